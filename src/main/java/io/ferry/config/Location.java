package io.ferry.config;

/**
 * Where something was written in the configuration: a file and a 1-based line number.
 * {@link #NONE} stands for values that no file set (built-in defaults, command-line flags).
 */
public record Location(String file, int line) {

    public static final Location NONE = new Location("", 0);

    public boolean isKnown() {
        return line > 0;
    }

    @Override
    public String toString() {
        return isKnown() ? file + ":" + line : "<built-in>";
    }
}
