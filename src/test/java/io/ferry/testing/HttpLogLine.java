package io.ferry.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code option httplog} line split into its fields, as HAProxy 2.6 lays them out; fails on a
 * line that does not have that layout.
 */
public record HttpLogLine(String clientIp, int clientPort, String date, String frontend, String backend,
                          String server, long tR, long tw, long tc, long tr, long ta, int status, long bytes,
                          String cookieIn, String cookieOut, String termination, int actconn, int feconn,
                          int beconn, int srvconn, int retries, int srvQueue, int backendQueue,
                          String requestCaptures, String responseCaptures, String request) {

    private static final Pattern LINE = Pattern.compile("^(\\S+):(\\d+) \\[(\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d\\.\\d{3})\\] "
            + "(\\S+) (\\S+)/(\\S+) (-?\\d+)/(-?\\d+)/(-?\\d+)/(-?\\d+)/(-?\\d+) (-?\\d+) (\\d+) (\\S+) (\\S+) (\\S{4}) "
            + "(\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\d+) (\\d+)/(\\d+)(?: \\{([^}]*)\\})?(?: \\{([^}]*)\\})? \"(.*)\"\n?$");

    public static HttpLogLine parse(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            throw new AssertionError("not an httplog line: " + line);
        }
        return new HttpLogLine(m.group(1), i(m, 2), m.group(3), m.group(4), m.group(5), m.group(6), l(m, 7), l(m, 8),
                l(m, 9), l(m, 10), l(m, 11), i(m, 12), l(m, 13), m.group(14), m.group(15), m.group(16), i(m, 17),
                i(m, 18), i(m, 19), i(m, 20), i(m, 21), i(m, 22), i(m, 23), m.group(24), m.group(25), m.group(26));
    }

    private static int i(Matcher m, int g) {
        return Integer.parseInt(m.group(g));
    }

    private static long l(Matcher m, int g) {
        return Long.parseLong(m.group(g));
    }
}
