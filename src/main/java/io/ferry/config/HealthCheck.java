package io.ferry.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * How a backend checks its servers: TCP connect (the default), {@code option httpchk} with
 * {@code http-check} rules, or {@code option tcp-check} with {@code tcp-check} rules.
 */
public record HealthCheck(Kind kind, HttpSend send, List<HttpExpect> expects, List<TcpStep> tcpSteps) {

    public enum Kind { CONNECT, HTTP, TCP_SCRIPT }

    /** The request an HTTP check sends. */
    public record HttpSend(String method, String uri, String version, List<String[]> headers, String body) {

        public static final HttpSend DEFAULT = new HttpSend("OPTIONS", "/", "HTTP/1.0", List.of(), "");
    }

    /**
     * {@code http-check expect [!] status|rstatus|string|rstring VALUE}.
     *
     * @param regex the compiled pattern for {@code rstatus} and {@code rstring}, null otherwise
     * @param statuses the codes and ranges of {@code status} ({@code 200-399,404}), empty otherwise
     */
    public record HttpExpect(boolean negated, Kind kind, String value, Pattern regex, List<Acl.IntRange> statuses,
                             Location location) {

        public enum Kind { STATUS, RSTATUS, STRING, RSTRING }
    }

    /**
     * A {@code tcp-check} step: {@code connect [port N]} (port 0 for the server's check port),
     * {@code send TEXT}, {@code send-binary HEX}, {@code expect [!] string|rstring|binary VALUE}.
     * {@code data} holds the text, or the bytes for the binary kinds decoded to ISO-8859-1 characters.
     */
    public record TcpStep(Kind kind, String data, Pattern regex, boolean negated, int port, Location location) {

        public enum Kind { CONNECT, SEND, SEND_BINARY, EXPECT_STRING, EXPECT_RSTRING, EXPECT_BINARY }
    }

    public static final HealthCheck CONNECT_ONLY = new HealthCheck(Kind.CONNECT, HttpSend.DEFAULT, List.of(), List.of());
}
