package io.ferry.config;

import java.util.Locale;

/**
 * Parses the value types of HAProxy's language: times, sizes and integers. Each method throws
 * {@link ConfigProblem} with HAProxy's wording and a fix.
 */
public final class Values {

    /** The largest time HAProxy accepts: 2^31-1 ms, about 24.8 days. */
    public static final long MAX_TIME_MS = Integer.MAX_VALUE;

    private Values() {
    }

    /**
     * A time in milliseconds: an integer with an optional unit {@code us}, {@code ms} (the default),
     * {@code s}, {@code m}, {@code h} or {@code d}, in lower case as HAProxy requires. Microseconds
     * round up to the next millisecond.
     */
    public static long time(String text, String keyword) {
        int end = digitsEnd(text);
        if (end == 0) {
            throw new ConfigProblem("invalid time '" + text + "' for '" + keyword + "'",
                    "write an integer with an optional unit us, ms, s, m, h or d, e.g. '" + keyword + " 30s'");
        }
        String unit = text.substring(end);
        long multiplier = switch (unit) {
            case "", "ms" -> 1;
            case "us" -> 0;
            case "s" -> 1_000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            case "d" -> 86_400_000;
            default -> throw new ConfigProblem("unexpected character '" + unit.charAt(unitPrefix(unit)) + "' in time '"
                    + text + "' for '" + keyword + "'",
                    "use an integer with one of the units us, ms, s, m, h, d (lower case), e.g. 30s");
        };
        String digits = text.substring(0, end);
        if (digits.length() > 12) {
            throw overflow(text, keyword);
        }
        long value = Long.parseLong(digits);
        long ms = multiplier == 0 ? (value + 999) / 1000 : value * multiplier;
        if (ms > MAX_TIME_MS) {
            throw overflow(text, keyword);
        }
        return ms;
    }

    /** The length of the valid unit {@code unit} starts with, so that "30sec" reports 'e', not 's'. */
    private static int unitPrefix(String unit) {
        for (String u : new String[] {"us", "ms", "s", "m", "h", "d"}) {
            if (unit.startsWith(u)) {
                return u.length();
            }
        }
        return 0;
    }

    private static ConfigProblem overflow(String text, String keyword) {
        return new ConfigProblem("timer overflow in argument '" + text + "' to '" + keyword
                + "' (maximum value is 2147483647 ms or ~24.8 days)",
                "use a value of at most 24d, or 0 for no timeout");
    }

    /** A size in bytes: an integer with an optional suffix k, m or g (powers of 1024). */
    public static long size(String text, String keyword) {
        int end = digitsEnd(text);
        String suffix = text.substring(end).toLowerCase(Locale.ROOT);
        long multiplier = switch (suffix) {
            case "" -> 1;
            case "k" -> 1024;
            case "m" -> 1024 * 1024;
            case "g" -> 1024L * 1024 * 1024;
            default -> -1;
        };
        if (end == 0 || multiplier < 0 || end > 12) {
            throw new ConfigProblem("invalid size '" + text + "' for '" + keyword + "'",
                    "write an integer with an optional suffix k, m or g, e.g. 16k");
        }
        long value = Long.parseLong(text.substring(0, end)) * multiplier;
        if (value > 0xFFFF_FFFFL) {
            throw new ConfigProblem("size '" + text + "' for '" + keyword + "' is too large",
                    "use at most 4294967295 bytes (4g minus one byte)");
        }
        return value;
    }

    /** A decimal integer within [min, max]. */
    public static long integer(String text, String keyword, long min, long max) {
        int end = digitsEnd(text);
        boolean negative = text.startsWith("-");
        if (negative) {
            end = digitsEnd(text.substring(1));
        }
        int expected = text.length() - (negative ? 1 : 0);
        if (end == 0 || end != expected || end > 18) {
            throw new ConfigProblem("'" + text + "' is not an integer for '" + keyword + "'",
                    "write a decimal integer between " + min + " and " + max);
        }
        long value = Long.parseLong(text);
        if (value < min || value > max) {
            throw new ConfigProblem("value " + text + " for '" + keyword + "' is out of range",
                    "use a value between " + min + " and " + max);
        }
        return value;
    }

    private static int digitsEnd(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }
}
