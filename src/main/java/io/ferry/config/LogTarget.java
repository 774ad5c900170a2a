package io.ferry.config;

/**
 * A {@code log} line: where to send log lines and how.
 *
 * @param target {@code stdout}, {@code stderr}, a unix socket path, or {@code host[:port]} for UDP syslog
 * @param maxLength {@code len}: longest line sent, HAProxy's default 1024
 * @param facility syslog facility name, e.g. {@code local0}
 * @param level the most verbose level sent, e.g. {@code info}; empty for all
 */
public record LogTarget(String target, Address udpAddress, int maxLength, Format format, String facility,
                        String level, Location location) {

    public enum Format { RFC3164, RFC5424, RAW, SHORT }
}
