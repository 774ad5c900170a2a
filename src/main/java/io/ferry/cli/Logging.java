package io.ferry.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Sets Ferry's log level from the flags: DEBUG with {@code -d}, WARN with {@code -q}, else INFO ({@link LogConfigurator}). */
final class Logging {

    private Logging() {
    }

    static void configure(Options options) {
        if (LoggerFactory.getLogger("io.ferry") instanceof Logger logger) {
            logger.setLevel(options.debug() ? Level.DEBUG : options.quiet() ? Level.WARN : Level.INFO);
        }
    }
}
