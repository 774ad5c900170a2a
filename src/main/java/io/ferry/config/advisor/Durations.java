package io.ferry.config.advisor;

/** Milliseconds written the way an operator reads them: {@code 24h}, {@code 2.9 min}, {@code 30s}. */
final class Durations {

    private Durations() {
    }

    /**
     * A configuration-style value when it is exact ({@code 24h}, {@code 90s}, {@code 250ms}), otherwise
     * a rounded reading ({@code 2.9 min}). 0 is "no limit".
     */
    static String format(long ms) {
        if (ms <= 0) {
            return "no limit";
        }
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1000L};
        String[] names = {"d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (ms % units[i] == 0) {
                long n = ms / units[i];
                // 48h reads better than 2d only below three days; HAProxy users write 24h, not 1d.
                if (i == 0 && n < 3) {
                    return ms / units[1] + "h";
                }
                return n + names[i];
            }
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        return approximate(ms);
    }

    /** One decimal in the largest unit that keeps the number at least 1: {@code 2.9 min}, {@code 1.5 s}. */
    static String approximate(long ms) {
        if (ms >= 3_600_000L) {
            return oneDecimal(ms / 3_600_000.0) + " h";
        }
        if (ms >= 60_000L) {
            return oneDecimal(ms / 60_000.0) + " min";
        }
        if (ms >= 1000L) {
            return oneDecimal(ms / 1000.0) + " s";
        }
        return ms + " ms";
    }

    private static String oneDecimal(double v) {
        String s = String.format(java.util.Locale.ROOT, "%.1f", v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
