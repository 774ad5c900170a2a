package io.ferry.config;

/**
 * One message about a configuration: an error that stops it from being used, or a warning or
 * notice that does not.
 *
 * <p>{@link #format()} renders the line the way HAProxy users read them:
 * {@code [ALERT] config : parsing [haproxy.cfg:6] : 'timeout clinet' : unknown keyword. Fix: ...}
 *
 * @param severity how serious it is
 * @param location the file and line, or {@link Location#NONE} when the problem is global
 * @param keyword the keyword the message is about, or empty
 * @param message what is wrong or what will happen
 * @param fix what to do about it, or empty
 */
public record Diagnostic(Severity severity, Location location, String keyword, String message, String fix) {

    public enum Severity {
        /** A fatal error: the configuration is not valid. */
        ALERT,
        /** Valid, but probably not what was meant. */
        WARNING,
        /** Information, e.g. from {@code .notice}. */
        NOTICE,
        /** Diagnostic output, e.g. from {@code .diag}; shown in debug mode. */
        DIAG
    }

    public Diagnostic {
        keyword = keyword == null ? "" : keyword;
        fix = fix == null ? "" : fix;
    }

    public static Diagnostic alert(Location location, String keyword, String message, String fix) {
        return new Diagnostic(Severity.ALERT, location, keyword, message, fix);
    }

    public static Diagnostic warning(Location location, String keyword, String message, String fix) {
        return new Diagnostic(Severity.WARNING, location, keyword, message, fix);
    }

    public boolean isError() {
        return severity == Severity.ALERT;
    }

    /** The message without the severity prefix: {@code parsing [f:3] : 'kw' : message. Fix: ...}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (location.isKnown()) {
            sb.append("parsing [").append(location).append("] : ");
        }
        if (!keyword.isEmpty()) {
            sb.append('\'').append(keyword).append("' : ");
        }
        sb.append(message);
        if (!fix.isEmpty()) {
            sb.append(message.endsWith(".") ? " " : ". ").append("Fix: ").append(fix);
        }
        return sb.toString();
    }

    /** The full line as printed on standard error. */
    public String format() {
        String tag = "[" + severity + "]";
        return String.format("%-10s config : %s", tag, describe());
    }

    /** One JSON object with the fields {@code severity, file, line, keyword, message, fix}. */
    public String toJson() {
        return "{\"severity\":" + Json.quote(severity.name().toLowerCase(java.util.Locale.ROOT)) + ","
                + Json.location(location) + ",\"keyword\":" + Json.quote(keyword) + ",\"message\":"
                + Json.quote(message) + ",\"fix\":" + Json.quote(fix) + "}";
    }

    @Override
    public String toString() {
        return format();
    }
}
