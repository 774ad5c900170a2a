package io.ferry.config;

import java.util.EnumSet;
import java.util.Set;

/**
 * The on/off {@code option} keywords (each can be negated with {@code no option}). Options that
 * take arguments ({@code forwardfor}, {@code httpchk}, {@code httplog}) have their own fields in
 * {@link Proxy} as well as a flag here.
 */
public enum ProxyOption {
    HTTP_KEEP_ALIVE("http-keep-alive", "d f l b"),
    HTTP_SERVER_CLOSE("http-server-close", "d f l b"),
    HTTPCLOSE("httpclose", "d f l b"),
    FORWARDFOR("forwardfor", "d f l b"),
    REDISPATCH("redispatch", "d l b"),
    ALLBACKUPS("allbackups", "d l b"),
    NOLINGER("nolinger", "d f l b"),
    CLITCPKA("clitcpka", "d f l"),
    SRVTCPKA("srvtcpka", "d l b"),
    TCPKA("tcpka", "d f l b"),
    ABORTONCLOSE("abortonclose", "d l b"),
    HTTPLOG("httplog", "d f l"),
    TCPLOG("tcplog", "d f l"),
    DONTLOGNULL("dontlognull", "d f l"),
    LOG_SEPARATE_ERRORS("log-separate-errors", "d f l"),
    HTTPCHK("httpchk", "d l b"),
    TCP_CHECK("tcp-check", "d l b"),
    ACCEPT_INVALID_HTTP_REQUEST("accept-invalid-http-request", "d f l"),
    ACCEPT_INVALID_HTTP_RESPONSE("accept-invalid-http-response", "d l b");

    private final String word;
    private final Set<SectionKind> sections;

    ProxyOption(String word, String sections) {
        this.word = word;
        this.sections = parseSections(sections);
    }

    public String word() {
        return word;
    }

    public Set<SectionKind> sections() {
        return sections;
    }

    /** "d f l b" to the section kinds: defaults, frontend, listen, backend. */
    static Set<SectionKind> parseSections(String letters) {
        EnumSet<SectionKind> s = EnumSet.noneOf(SectionKind.class);
        for (String l : letters.split(" ")) {
            s.add(switch (l) {
                case "g" -> SectionKind.GLOBAL;
                case "d" -> SectionKind.DEFAULTS;
                case "f" -> SectionKind.FRONTEND;
                case "l" -> SectionKind.LISTEN;
                case "b" -> SectionKind.BACKEND;
                default -> throw new IllegalArgumentException(l);
            });
        }
        return s;
    }
}
