package io.ferry.config;

import java.util.regex.Pattern;

/** The actions of {@code http-request} and {@code http-response} rules. */
public sealed interface HttpAction {

    /** {@code set-header NAME FMT}: removes every NAME, then adds one with the formatted value. */
    record SetHeader(String name, LogFormat value) implements HttpAction {
    }

    /** {@code add-header NAME FMT}. */
    record AddHeader(String name, LogFormat value) implements HttpAction {
    }

    /** {@code del-header NAME}. */
    record DelHeader(String name) implements HttpAction {
    }

    /** {@code replace-header NAME REGEX REPLACEMENT}: rewrites each value that matches the whole regex. */
    record ReplaceHeader(String name, Pattern regex, LogFormat replacement) implements HttpAction {
    }

    /** {@code set-path FMT}. */
    record SetPath(LogFormat path) implements HttpAction {
    }

    /** {@code set-query FMT}. */
    record SetQuery(LogFormat query) implements HttpAction {
    }

    /** {@code set-uri FMT}. */
    record SetUri(LogFormat uri) implements HttpAction {
    }

    /** {@code allow}: stops evaluating the rules of this list. */
    record Allow() implements HttpAction {
    }

    /** {@code deny [deny_status N]}. */
    record Deny(int status) implements HttpAction {
    }

    /**
     * {@code return [status N] [content-type T] [string S | lf-string FMT | file F]}: {@code body} is
     * the fixed payload (empty for none), {@code bodyFormat} the payload rendered per request
     * ({@code lf-string}), null otherwise.
     */
    record Return(int status, String contentType, byte[] body, LogFormat bodyFormat) implements HttpAction {
    }

    /** {@code auth [realm REALM]}: answers 401 asking for credentials. */
    record Auth(String realm) implements HttpAction {
    }

    /** {@code redirect location|prefix|scheme TARGET [code N] [drop-query] [append-slash]}. */
    record Redirect(Kind kind, LogFormat target, int code, boolean dropQuery, boolean appendSlash)
            implements HttpAction {

        public enum Kind { LOCATION, PREFIX, SCHEME }
    }

    /** {@code use-service NAME}; Ferry provides {@code prometheus-exporter}. */
    record UseService(String name) implements HttpAction {
    }
}
