package io.ferry.config;

/**
 * A {@code log} line: where to send log lines and how.
 *
 * @param kind where lines go
 * @param target as written, or the socket path for {@link Kind#UNIX}
 * @param udpAddress the syslog server for {@link Kind#UDP} (port 514 unless given), null otherwise
 * @param maxLength {@code len}: longest line sent, 80..65535, HAProxy's default 1024
 * @param format the syslog header format, default {@link Format#RFC3164}
 * @param facility syslog facility name, e.g. {@code local0}
 * @param level the most verbose level sent, e.g. {@code info}; empty for all
 * @param minLevel the least verbose level: more severe messages are sent with this level instead; empty for none
 */
public record LogTarget(Kind kind, String target, Address udpAddress, int maxLength, Format format, String facility,
                        String level, String minLevel, Location location) {

    public enum Kind { STDOUT, STDERR, UNIX, UDP }

    public enum Format { RFC3164, RFC5424, RAW, SHORT }
}
