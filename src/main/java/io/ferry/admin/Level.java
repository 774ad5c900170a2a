package io.ferry.admin;

import io.ferry.config.GlobalSettings.StatsSocket;

/**
 * What a runtime API connection may do, HAProxy's three levels: {@code user} reads counters and
 * states, {@code operator} also lists streams, {@code admin} changes things. Each command needs one
 * level; below it the answer is HAProxy's {@code Permission denied}.
 */
enum Level {
    USER, OPERATOR, ADMIN;

    static Level of(StatsSocket.Level l) {
        return switch (l) {
            case USER -> USER;
            case OPERATOR -> OPERATOR;
            case ADMIN -> ADMIN;
        };
    }

    boolean allows(Level needed) {
        return compareTo(needed) >= 0;
    }

    String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
