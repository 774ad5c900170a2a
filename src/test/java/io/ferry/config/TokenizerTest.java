package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each expected word was checked against {@code haproxy -c} 2.6 with a {@code .notice} line. */
class TokenizerTest {

    private final Tokenizer tokenizer = new Tokenizer(Map.of("FOO", "foo", "EMPTY", "", "PORT", "8080")::get);

    private List<String> split(String line) {
        return tokenizer.split(line);
    }

    @Test
    void wordsAreSeparatedBySpacesAndTabs() {
        assertThat(split("  timeout\tclient   30s  ")).containsExactly("timeout", "client", "30s");
        assertThat(split("")).isEmpty();
        assertThat(split(" \t ")).isEmpty();
    }

    @Test
    void hashStartsACommentOutsideQuotes() {
        assertThat(split("maxconn 500 # the report's limit")).containsExactly("maxconn", "500");
        assertThat(split("# a whole-line comment")).isEmpty();
        assertThat(split("a#b")).containsExactly("a");
        assertThat(split("\"c#d\" 'e#f' g\\#h")).containsExactly("c#d", "e#f", "g#h");
    }

    @Test
    void quotesKeepSpacesAndJoinAdjacentParts() {
        assertThat(split("acl x hdr(host) \"a b\" 'c d'")).containsExactly("acl", "x", "hdr(host)", "a b", "c d");
        assertThat(split("one\"two three\"four")).containsExactly("onetwo threefour");
        assertThat(split("\"\" ''")).containsExactly("", "");
    }

    @Test
    void singleQuotesKeepEverythingLiterally() {
        assertThat(split("'${FOO}' '$FOO' 'a\\tb'")).containsExactly("${FOO}", "$FOO", "a\\tb");
        assertThat(split("'a\\'b")).containsExactly("a\\b");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            a\\ b          | `a b`
            "q\\"q"        | q"q
            a\\'b          | a'b
            a\\\\b         | a\\b
            "a\\\\b"       | a\\b
            "a\\x41b"      | aAb
            a\\x41b        | aAb
            "a\\$b"        | a$b
            a\\$b          | a\\$b
            "a\\qb"        | a\\qb
            ^/api\\d+\\.x  | ^/api\\d+\\.x
            "^/api\\d+"    | ^/api\\d+
            a\\            | a\\
            """)
    void backslashEscapesOnlyWhatHaproxyEscapes(String line, String expected) {
        assertThat(split(line)).containsExactly(expected);
    }

    @Test
    void controlCharacterEscapes() {
        assertThat(split("a\\tb \"c\\nd\" e\\rf")).containsExactly("a\tb", "c\nd", "e\rf");
    }

    @Test
    void invalidHexEscapeIsAnError() {
        assertThatThrownBy(() -> split(".notice a\\x4"))
                .isInstanceOf(ConfigProblem.class)
                .hasMessage("truncated or invalid hexadecimal sequence at position 10")
                .satisfies(e -> assertThat(((ConfigProblem) e).fix()).contains("'\\x41'"));
        assertThatThrownBy(() -> split("a\\xZZ")).hasMessageContaining("invalid hexadecimal sequence at position 2");
    }

    @Test
    void environmentVariablesExpandInsideDoubleQuotesOnly() {
        assertThat(split("bind \"fd@${FOO}\"")).containsExactly("bind", "fd@foo");
        assertThat(split("\"x${FOO}y\" \"$FOO\" \"$FOO-x\"")).containsExactly("xfooy", "foo", "foo-x");
        assertThat(split("$FOO ${FOO}")).containsExactly("$FOO", "${FOO}");
        assertThat(split("\"${FOO}\"x\"${FOO}\"")).containsExactly("fooxfoo");
    }

    @Test
    void undefinedVariableIsEmptyAndKeepsItsWord() {
        assertThat(split("\"${UNSET}\" x")).containsExactly("", "x");
        assertThat(split("\"e${UNSET}f\"")).containsExactly("ef");
        assertThat(split("\"${EMPTY}\"")).containsExactly("");
    }

    @Test
    void defaultAppliesOnlyWhenTheVariableIsUndefined() {
        assertThat(split("\"${UNSET-8000}\" \"${PORT-8000}\"")).containsExactly("8000", "8080");
        assertThat(split("\"${UNSET-a-b}\" \"${UNSET-}x\"")).containsExactly("a-b", "x");
        assertThat(split("\"${EMPTY-dflt}\"")).containsExactly("");
        assertThat(split("\"*:${UNSET-0}\"")).containsExactly("*:0");
    }

    @Test
    void badVariableReferencesAreErrorsWithPositions() {
        assertThatThrownBy(() -> split(".notice \"${FOO\""))
                .hasMessage("unmatched brace in environment variable name at position 11");
        assertThatThrownBy(() -> split(".notice \"${A.B}\""))
                .hasMessage("unmatched brace in environment variable name at position 11");
        assertThatThrownBy(() -> split(".notice \"${1X}\""))
                .hasMessage("forbidden first char in environment variable name at position 12");
        assertThatThrownBy(() -> split(".notice \"$\""))
                .hasMessage("forbidden first char in environment variable name at position 11")
                .satisfies(e -> assertThat(((ConfigProblem) e).fix()).contains("'\\$'"));
        assertThatThrownBy(() -> split(".notice \"${}\""))
                .hasMessage("forbidden first char in environment variable name at position 12");
    }

    @Test
    void unterminatedQuoteIsAnErrorNamingItsPosition() {
        assertThatThrownBy(() -> split("    acl host hdr(host) -i \"example.com"))
                .isInstanceOf(ConfigProblem.class)
                .hasMessage("unmatched quote at position 27: acl host hdr(host) -i \"example.com")
                .satisfies(e -> assertThat(((ConfigProblem) e).fix())
                        .isEqualTo("close the quote on the same line, or escape it as '\\\"'"));
        assertThatThrownBy(() -> split(".notice 'abc")).hasMessageStartingWith("unmatched quote at position 9");
        assertThatThrownBy(() -> split(".notice \"a\\\"")).hasMessageStartingWith("unmatched quote at position 9");
    }
}
