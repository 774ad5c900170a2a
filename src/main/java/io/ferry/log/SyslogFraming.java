package io.ferry.log;

import io.ferry.config.LogTarget;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The header HAProxy 2.6 puts before a log line for each {@link LogTarget.Format}, the {@code len}
 * truncation and the final newline:
 * <ul>
 *   <li>rfc3164: {@code <134>Nov  4 07:04:23 ferry[1234]: line}</li>
 *   <li>rfc5424: {@code <134>1 2026-11-04T07:04:23.425038+00:00 - ferry 1234 - - line}</li>
 *   <li>short: {@code <6>line} (the level alone, no facility)</li>
 *   <li>raw: {@code line}</li>
 * </ul>
 * The framed message is cut to {@code len} bytes, then a newline is added, as HAProxy does.
 */
public final class SyslogFraming {

    /** Syslog facilities in code order (HAProxy's names). */
    public static final List<String> FACILITIES = List.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr",
            "news", "uucp", "cron", "auth2", "ftp", "ntp", "audit", "alert", "cron2", "local0", "local1", "local2",
            "local3", "local4", "local5", "local6", "local7");

    /** Syslog levels in code order: 0 emerg .. 7 debug. */
    public static final List<String> LEVELS = List.of("emerg", "alert", "crit", "err", "warning", "notice", "info",
            "debug");

    public static final int INFO = 6;
    public static final int ERR = 3;

    private static final DateTimeFormatter RFC3164 = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter RFC5424 =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx", Locale.ROOT);

    private final LogTarget.Format format;
    private final int facility;
    private final int maxLength;
    private final String tag;
    private final long pid;
    private final ZoneId zone;

    public SyslogFraming(LogTarget.Format format, String facility, int maxLength, String tag, long pid, ZoneId zone) {
        this.format = format;
        this.facility = FACILITIES.indexOf(facility);
        if (this.facility < 0) {
            throw new IllegalArgumentException("unknown facility " + facility);
        }
        this.maxLength = maxLength;
        this.tag = tag;
        this.pid = pid;
        this.zone = zone;
    }

    /** The bytes sent for {@code line} at {@code level} (0..7) written at {@code time}. */
    public byte[] frame(String line, int level, Instant time) {
        String header = switch (format) {
            case RAW -> "";
            case SHORT -> "<" + level + ">";
            case RFC3164 -> "<" + (facility * 8 + level) + ">" + RFC3164.format(time.atZone(zone)) + " " + tag + "["
                    + pid + "]: ";
            case RFC5424 -> "<" + (facility * 8 + level) + ">1 " + RFC5424.format(time.atZone(zone)) + " - " + tag
                    + " " + pid + " - - ";
        };
        byte[] body = (header + line).getBytes(StandardCharsets.UTF_8);
        int n = Math.min(body.length, maxLength);
        byte[] out = new byte[n + 1];
        System.arraycopy(body, 0, out, 0, n);
        out[n] = '\n';
        return out;
    }
}
