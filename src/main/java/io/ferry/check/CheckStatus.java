package io.ferry.check;

/**
 * The outcome of one health check, with HAProxy's {@code check_status} names and the reason words
 * its logs use.
 */
public enum CheckStatus {
    L4OK("Layer4 check passed", true),
    L4TOUT("Layer4 timeout", false),
    L4CON("Layer4 connection problem", false),
    /** The connection failed at once (a unix socket that is missing or refuses). */
    SOCKERR("Socket error", false),
    L7OK("Layer7 check passed", true),
    L7TOUT("Layer7 timeout", false),
    L7RSP("Layer7 invalid response", false),
    L7STS("Layer7 wrong status", false),
    /** Not a check: errors observed on traffic ({@code observe}) reached {@code error-limit}. */
    HANA("Health analyze", false);

    private final String reason;
    private final boolean passed;

    CheckStatus(String reason, boolean passed) {
        this.reason = reason;
        this.passed = passed;
    }

    /** HAProxy's words for it in state-change logs ("Layer4 connection problem"). */
    public String reason() {
        return reason;
    }

    public boolean passed() {
        return passed;
    }
}
