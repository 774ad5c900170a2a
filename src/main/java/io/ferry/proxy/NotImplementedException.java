package io.ferry.proxy;

import java.util.List;

/**
 * Thrown by {@link Ferry#start} when a configuration uses something the runtime does not implement
 * yet; the message has one line per use, naming {@code file:line} and the keyword.
 */
public final class NotImplementedException extends UnsupportedOperationException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public NotImplementedException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** One message per use of an unimplemented feature. */
    public List<String> problems() {
        return problems;
    }
}
