package io.ferry.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Ferry's logging, set up in code rather than from an XML file, which logback would parse at every
 * start (about a quarter of the time to the first accepted connection): logs go to standard error,
 * next to the [ALERT]/[WARNING]/[NOTICE] lines of the command line, at INFO ({@code ferry -d} turns
 * {@code io.ferry} up to DEBUG, {@code ferry -q} down to WARN, see {@link Logging}).
 *
 * <p>A logback configuration of one's own still wins: with {@code -Dlogback.configurationFile=...}
 * (or a {@code logback-test.xml} on the class path) this steps aside for logback's usual search.
 * Found by logback through {@code META-INF/services}.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {

    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} : %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (configuredElsewhere()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        setUp(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Whether a logback configuration of one's own is asked for, which logback's search then finds. */
    static boolean configuredElsewhere() {
        return System.getProperty("logback.configurationFile") != null
                || LogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null;
    }

    /** Standard error, INFO, the pattern above. */
    static void setUp(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stderr);
        context.getLogger("io.ferry").setLevel(Level.INFO);
    }
}
