package io.ferry.cli;

/** The exit statuses of {@code ferry}, HAProxy's. */
final class ExitCodes {

    static final int OK = 0;
    /** Invalid configuration, bad command line, or a failure to start. */
    static final int FAILURE = 1;
    /** {@code -c}: valid, but nothing to listen on. {@code -cc}: the condition is malformed. */
    static final int NO_LISTENER = 2;
    static final int MALFORMED_CONDITION = 2;

    private ExitCodes() {
    }
}
