package io.ferry.check;

/**
 * What one health check found.
 *
 * @param code the HTTP status of an HTTP check (0 for a passed {@code tcp-check} script, as HAProxy
 *     reports it), -1 when there is none
 * @param info the detail HAProxy adds in quotes ("Connection refused", a reason phrase), or null
 * @param durationMs from the start of the check to its result, -1 for none (observed traffic)
 */
public record CheckResult(CheckStatus status, int code, String info, long durationMs) {

    public boolean passed() {
        return status.passed();
    }

    /** {@code reason: …, code: …, info: "…", check duration: …ms}, HAProxy's wording. */
    public String describe() {
        StringBuilder b = new StringBuilder("reason: ").append(status.reason());
        if (code >= 0) {
            b.append(", code: ").append(code);
        }
        if (info != null) {
            b.append(", info: \"").append(info).append('"');
        }
        if (durationMs >= 0) {
            b.append(", check duration: ").append(durationMs).append("ms");
        }
        return b.toString();
    }
}
