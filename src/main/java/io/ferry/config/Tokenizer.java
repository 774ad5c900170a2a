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
 *       variable expands to the empty string (or to its default). A name starts with a letter or
 *       {@code _} and goes on with letters, digits and {@code _}.
 *   <li>Outside single quotes, a backslash before a space, {@code \}, {@code #}, {@code "} or
 *       {@code '} (and {@code $} inside double quotes) stands for that character; {@code \t},
 *       {@code \n}, {@code \r} and {@code \xHH} stand for the characters they name. Before any
 *       other character, or at the end of the line, the backslash is kept, so that regular
 *       expressions such as {@code ^/api\d+\.json} pass through unchanged, as in HAProxy.
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
                i = escape(line, i, word, false);
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
                i = escape(line, i, word, true);
            } else if (c == '$') {
                i = variable(line, i, word);
            } else {
                word.append(c);
                i++;
            }
        }
        throw unmatched(line, open);
    }

    /** Reads the escape at {@code at} (a backslash); returns the index after it. */
    private int escape(String line, int at, StringBuilder word, boolean inDoubleQuotes) {
        if (at + 1 >= line.length()) {
            word.append('\\');
            return at + 1;
        }
        char e = line.charAt(at + 1);
        switch (e) {
            case ' ', '\\', '#', '"', '\'' -> word.append(e);
            case '$' -> {
                if (!inDoubleQuotes) {
                    word.append('\\');
                }
                word.append('$');
            }
            case 't' -> word.append('\t');
            case 'n' -> word.append('\n');
            case 'r' -> word.append('\r');
            case 'x' -> {
                if (!isHex(line, at + 2) || !isHex(line, at + 3)) {
                    throw new ConfigProblem("truncated or invalid hexadecimal sequence at position " + (at + 1),
                            "write two hexadecimal digits after '\\x', e.g. '\\x41', or '\\\\' for a backslash");
                }
                word.append((char) Integer.parseInt(line.substring(at + 2, at + 4), 16));
                return at + 4;
            }
            default -> {
                word.append('\\');
                return at + 1;
            }
        }
        return at + 2;
    }

    private static boolean isHex(String s, int i) {
        return i < s.length() && Character.digit(s.charAt(i), 16) >= 0;
    }

    /** Expands {@code $NAME}, {@code ${NAME}} or {@code ${NAME-default}} at {@code at}. */
    private int variable(String line, int at, StringBuilder word) {
        int n = line.length();
        boolean braced = at + 1 < n && line.charAt(at + 1) == '{';
        int start = braced ? at + 2 : at + 1;
        if (start >= n || !isNameStart(line.charAt(start))) {
            throw new ConfigProblem("forbidden first char in environment variable name at position " + (start + 1),
                    "start the name with a letter or '_', e.g. \"${PORT}\"; write '\\$' for a literal '$'");
        }
        int end = start;
        while (end < n && isNameChar(line.charAt(end))) {
            end++;
        }
        String value = environment.apply(line.substring(start, end));
        if (!braced) {
            word.append(value == null ? "" : value);
            return end;
        }
        int close = line.indexOf('}', end);
        if (close < 0 || (end < n && line.charAt(end) != '}' && line.charAt(end) != '-')) {
            throw new ConfigProblem("unmatched brace in environment variable name at position " + (at + 2),
                    "close the reference right after the name, e.g. \"${PORT}\" or \"${PORT-8080}\"");
        }
        if (value == null && line.charAt(end) == '-') {
            value = line.substring(end + 1, close);
        }
        word.append(value == null ? "" : value);
        return close + 1;
    }

    private static boolean isNameStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    private static ConfigProblem unmatched(String line, int at) {
        return new ConfigProblem("unmatched quote at position " + (at + 1) + ": " + line.strip(),
                "close the quote on the same line, or escape it as '\\" + line.charAt(at) + "'");
    }
}
