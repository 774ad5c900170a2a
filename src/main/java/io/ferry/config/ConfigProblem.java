package io.ferry.config;

/**
 * Thrown by keyword parsers for a problem with the line being parsed. The parser turns it into an
 * {@link Diagnostic} carrying the line's location and keyword, then carries on with the next line
 * so that one run reports every error.
 */
public final class ConfigProblem extends RuntimeException {

    private final String fix;

    public ConfigProblem(String message) {
        this(message, "");
    }

    public ConfigProblem(String message, String fix) {
        super(message, null, false, false);
        this.fix = fix == null ? "" : fix;
    }

    public String fix() {
        return fix;
    }
}
