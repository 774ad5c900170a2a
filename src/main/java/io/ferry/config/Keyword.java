package io.ferry.config;

import java.util.Set;

/**
 * A configuration keyword Ferry understands: its full name (several words for families such as
 * {@code timeout client} or {@code http-request set-header}), the sections it may appear in, its
 * syntax for messages and documentation, and the parser that applies it.
 *
 * @param negatable whether {@code no NAME} is allowed (the {@code option} family)
 */
public record Keyword(String name, Set<SectionKind> sections, String syntax, boolean negatable, Parser parser) {

    /** Applies one line of this keyword to the section being parsed. */
    @FunctionalInterface
    public interface Parser {
        void parse(Line line);
    }

    /** The number of words in the name. */
    public int wordCount() {
        return name.split(" ").length;
    }
}
