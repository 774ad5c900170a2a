package io.ferry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cases of a corpus file under {@code src/test/resources/hostile/}: a line
 * {@code === NAME EXPECTED... [key=value]... [-- REASON]}, then the bytes to send, written on the
 * following lines (joined without their line breaks) with {@code \r \n \t \0 \\ \xHH} escapes and
 * {@code {{N*TEXT}}} for TEXT repeated N times.
 */
public final class HostileCorpus {

    /** One case: its name, the expected outcomes in order, its options, the reason Ferry must name, and the bytes. */
    public record Case(String name, List<String> expected, Map<String, String> options, String reason, byte[] bytes) {

        @Override
        public String toString() {
            return name;
        }
    }

    private static final Pattern REPEAT = Pattern.compile("\\{\\{(\\d+)\\*([^{}]*)}}");

    private HostileCorpus() {
    }

    /** The cases of resource {@code hostile/NAME}. */
    public static List<Case> read(String name) {
        String text;
        try (InputStream in = HostileCorpus.class.getResourceAsStream("/hostile/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no corpus " + name);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Case> cases = new ArrayList<>();
        String header = null;
        StringBuilder body = new StringBuilder();
        for (String line : (text + "\n=== end").split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("=== ")) {
                if (header != null) {
                    cases.add(parse(header, body.toString()));
                }
                header = line.substring(4);
                body.setLength(0);
            } else if (header != null) {
                body.append(line);
            }
        }
        return cases;
    }

    private static Case parse(String header, String body) {
        String reason = "";
        int dash = header.indexOf(" -- ");
        if (dash >= 0) {
            reason = header.substring(dash + 4).strip();
            header = header.substring(0, dash);
        }
        List<String> words = new ArrayList<>(Arrays.asList(header.strip().split("\\s+")));
        String name = words.remove(0);
        List<String> expected = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (String w : words) {
            int eq = w.indexOf('=');
            if (eq > 0) {
                options.put(w.substring(0, eq), w.substring(eq + 1));
            } else {
                expected.add(w);
            }
        }
        return new Case(name, List.copyOf(expected), Map.copyOf(options), reason, unescape(expand(body)));
    }

    private static String expand(String s) {
        Matcher m = REPEAT.matcher(s);
        while (m.find()) {
            s = s.substring(0, m.start()) + m.group(2).repeat(Integer.parseInt(m.group(1))) + s.substring(m.end());
            m = REPEAT.matcher(s);
        }
        return s;
    }

    private static byte[] unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                b.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'r' -> b.append('\r');
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case '0' -> b.append('\0');
                case '\\' -> b.append('\\');
                case 'x' -> {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + n + " in " + s);
            }
        }
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
