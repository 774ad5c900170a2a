package io.ferry.config.advisor;

import static io.ferry.config.Json.quote;

import io.ferry.config.Json;
import io.ferry.config.Location;

/**
 * One piece of advice about a valid configuration: where, what will happen (with numbers), and the
 * configuration line that fixes it.
 *
 * <p>{@link #format()} gives the line {@code ferry -c} prints:
 * {@code [WARNING]  advice : [haproxy.cfg:19] frontend all: ... Fix: timeout client-fin 30s [long-timeout]}
 *
 * @param severity {@link Severity#WARNING} for what will hurt, {@link Severity#NOTICE} for what may
 * @param location the line the advice is about, or {@link Location#NONE}
 * @param subject the section it is about, e.g. {@code frontend all}, or {@code global}
 * @param message what will happen
 * @param fix a configuration line (or a short instruction) that fixes it
 * @param rule the rule's identifier, stable for tools that filter findings
 */
public record Finding(Severity severity, Location location, String subject, String message, String fix,
                      String rule) {

    /** How much a finding matters. Findings never make a configuration invalid. */
    public enum Severity { WARNING, NOTICE }

    public String format() {
        return String.format("%-10s advice : ", "[" + severity + "]") + describe();
    }

    /** The finding without its severity: {@code [file:line] subject: message. Fix: fix [rule]}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (location.isKnown()) {
            sb.append('[').append(location).append("] ");
        }
        sb.append(subject).append(": ").append(message);
        if (!fix.isEmpty()) {
            sb.append(message.endsWith(".") ? " " : ". ").append("Fix: ").append(fix);
        }
        return sb.append(" [").append(rule).append(']').toString();
    }

    /** One JSON object with the fields {@code severity, file, line, subject, message, fix, rule}. */
    public String toJson() {
        return "{\"severity\":" + quote(severity.name().toLowerCase(java.util.Locale.ROOT))
                + "," + Json.location(location)
                + ",\"subject\":" + quote(subject)
                + ",\"message\":" + quote(message)
                + ",\"fix\":" + quote(fix)
                + ",\"rule\":" + quote(rule) + "}";
    }

    @Override
    public String toString() {
        return format();
    }
}
