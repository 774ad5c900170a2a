package io.ferry.config;

import java.util.Locale;

/** The kinds of configuration section Ferry reads. */
public enum SectionKind {
    GLOBAL, DEFAULTS, FRONTEND, BACKEND, LISTEN;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFrontend() {
        return this == FRONTEND || this == LISTEN;
    }

    public boolean isBackend() {
        return this == BACKEND || this == LISTEN;
    }

    public boolean isProxy() {
        return this != GLOBAL;
    }
}
