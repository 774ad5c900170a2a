package io.ferry.config;

/**
 * A log-format string as written ({@code %ci:%cp [%tr] %{+Q}r}, {@code %[src]}): used by
 * {@code log-format} and by the values of header rules. Literal text has its {@code %%} already
 * validated; the runtime renders it.
 */
public record LogFormat(String text) {

    /** Whether the format is plain text with no {@code %} directive. */
    public boolean isLiteral() {
        return text.indexOf('%') < 0;
    }
}
