package io.ferry.config;

/** The little JSON that machine-readable output needs: string literals (RFC 8259 section 7). */
public final class Json {

    private Json() {
    }

    /** {@code s} as a JSON string literal, quotes included. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** A location's {@code "file":...,"line":...} members, {@code null} for a location no file set. */
    public static String location(Location l) {
        return "\"file\":" + (l.isKnown() ? quote(l.file()) : "null") + ",\"line\":"
                + (l.isKnown() ? Integer.toString(l.line()) : "null");
    }
}
