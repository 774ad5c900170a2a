package io.ferry.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Splits one configuration line into words, the way HAProxy does.
 *
 * <ul>
 *   <li>Words are separated by spaces and tabs; an unquoted, unescaped {@code #} starts a comment.
 *   <li>Single quotes keep everything literally up to the next single quote.
 *   <li>Double quotes keep spaces and {@code #}, and interpret backslash escapes and environment
 *       variables: {@code $NAME}, {@code ${NAME}} and {@code ${NAME-default}}. An undefined
 *       variable expands to the empty string (or to its default).
 *   <li>A backslash escapes a space, a tab, {@code #}, a quote, {@code $} or a backslash;
 *       {@code \t}, {@code \n}, {@code \r} and {@code \xHH} stand for the characters they name,
 *       inside double quotes too. Before any other character the backslash is kept, as in HAProxy,
 *       so that a regex back-reference {@code \1} reaches the keyword intact.
 *   <li>Quoted and unquoted parts next to each other make one word: {@code a"b c"} is {@code ab c}.
 * </ul>
 *
 * <p>Errors throw {@link ConfigProblem} with the 1-based column of the offending character.
 */
public final class Tokenizer {

    private final Function<String, String> environment;

    /** @param environment looks a variable up; returns null when it is not defined */
    public Tokenizer(Function<String, String> environment) {
        this.environment = environment;
    }

    public List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '#') {
                break;
            } else if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw unmatched(line, i);
                }
                word.append(line, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i = doubleQuoted(line, i, word);
                inWord = true;
            } else if (c == '\\') {
                i = escape(line, i, word);
                inWord = true;
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** Reads a double-quoted part starting at the opening quote; returns the index after the closing one. */
    private int doubleQuoted(String line, int open, StringBuilder word) {
        int i = open + 1;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == '"') {
                return i + 1;
            } else if (c == '\\') {
                i = escape(line, i, word);
            } else if (c == '$') {
                i = variable(line, i, word);
            } else {
                word.append(c);
                i++;
            }
        }
        throw unmatched(line, open);
    }

    private int escape(String line, int at, StringBuilder word) {
        if (at + 1 >= line.length()) {
            throw new ConfigProblem("backslash at end of line at position " + (at + 1),
                    "escape the backslash itself as '\\\\'");
        }
        char e = line.charAt(at + 1);
        switch (e) {
            case 't' -> word.append('\t');
            case 'n' -> word.append('\n');
            case 'r' -> word.append('\r');
            case 'x' -> {
                if (!isHex(line, at + 2) || !isHex(line, at + 3)) {
                    throw new ConfigProblem("invalid '\\x' escape at position " + (at + 1),
                            "write two hexadecimal digits after '\\x', e.g. '\\x41'");
                }
                word.append((char) Integer.parseInt(line.substring(at + 2, at + 4), 16));
                return at + 4;
            }
            // As HAProxy: only characters with a meaning here are escaped; other pairs such as the
            // regex back-reference \1 keep their backslash.
            case '\\', ' ', '\t', '#', '\'', '"', '$' -> word.append(e);
            default -> word.append('\\').append(e);
        }
        return at + 2;
    }

    private static boolean isHex(String s, int i) {
        return i < s.length() && Character.digit(s.charAt(i), 16) >= 0;
    }

    /** Expands {@code $NAME}, {@code ${NAME}} or {@code ${NAME-default}} at {@code at}. */
    private int variable(String line, int at, StringBuilder word) {
        int n = line.length();
        if (at + 1 < n && line.charAt(at + 1) == '{') {
            int close = line.indexOf('}', at + 2);
            if (close < 0) {
                throw new ConfigProblem("missing '}' after '${' at position " + (at + 1),
                        "close the variable reference, e.g. \"${PORT}\"");
            }
            String body = line.substring(at + 2, close);
            int dash = body.indexOf('-');
            String name = dash < 0 ? body : body.substring(0, dash);
            if (!isName(name)) {
                throw new ConfigProblem("invalid environment variable name '" + name + "' at position " + (at + 1),
                        "use letters, digits and '_' only, e.g. \"${MY_VAR}\"");
            }
            String value = environment.apply(name);
            if (value == null && dash >= 0) {
                value = body.substring(dash + 1);
            }
            word.append(value == null ? "" : value);
            return close + 1;
        }
        int end = at + 1;
        while (end < n && isNameChar(line.charAt(end))) {
            end++;
        }
        if (end == at + 1) {
            word.append('$');
            return at + 1;
        }
        String value = environment.apply(line.substring(at + 1, end));
        word.append(value == null ? "" : value);
        return end;
    }

    private static boolean isName(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isNameChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    private static ConfigProblem unmatched(String line, int at) {
        return new ConfigProblem("unmatched quote at position " + (at + 1) + ": " + line.strip(),
                "close the quote on the same line, or escape it as '\\" + line.charAt(at) + "'");
    }
}
