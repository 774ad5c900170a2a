package io.ferry.config;

import java.util.EnumSet;
import java.util.Set;

/** The {@code timeout} keywords, with the sections each may appear in. */
public enum TimeoutKind {
    CLIENT("client", SectionKind.FRONTEND),
    SERVER("server", SectionKind.BACKEND),
    CONNECT("connect", SectionKind.BACKEND),
    QUEUE("queue", SectionKind.BACKEND),
    HTTP_REQUEST("http-request", SectionKind.FRONTEND, SectionKind.BACKEND),
    HTTP_KEEP_ALIVE("http-keep-alive", SectionKind.FRONTEND, SectionKind.BACKEND),
    TUNNEL("tunnel", SectionKind.BACKEND),
    CLIENT_FIN("client-fin", SectionKind.FRONTEND),
    SERVER_FIN("server-fin", SectionKind.BACKEND),
    CHECK("check", SectionKind.BACKEND);

    private final String word;
    private final Set<SectionKind> sections;

    TimeoutKind(String word, SectionKind... sides) {
        this.word = word;
        EnumSet<SectionKind> s = EnumSet.of(SectionKind.DEFAULTS, SectionKind.LISTEN);
        for (SectionKind side : sides) {
            s.add(side);
        }
        this.sections = s;
    }

    /** The word after {@code timeout}, e.g. {@code client-fin}. */
    public String word() {
        return word;
    }

    public Set<SectionKind> sections() {
        return sections;
    }
}
