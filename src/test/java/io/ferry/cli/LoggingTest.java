package io.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LoggingTest {

    private final Logger ferry = LoggerFactory.getLogger("io.ferry.proxy.Stream");

    @AfterEach
    void backToDefault() throws UsageException {
        Logging.configure(OptionParser.parse(List.of("-f", "x.cfg")));
    }

    @Test
    void infoByDefault() throws UsageException {
        Logging.configure(OptionParser.parse(List.of("-f", "x.cfg")));

        assertThat(ferry.isInfoEnabled()).isTrue();
        assertThat(ferry.isDebugEnabled()).isFalse();
    }

    @Test
    void debugWithMinusD() throws UsageException {
        Logging.configure(OptionParser.parse(List.of("-d", "-f", "x.cfg")));

        assertThat(ferry.isDebugEnabled()).isTrue();
        assertThat(LoggerFactory.getLogger("io.netty.channel").isDebugEnabled()).isFalse();
    }

    @Test
    void warningsOnlyWhenQuiet() throws UsageException {
        Logging.configure(OptionParser.parse(List.of("-q", "-f", "x.cfg")));

        assertThat(ferry.isInfoEnabled()).isFalse();
        assertThat(ferry.isWarnEnabled()).isTrue();
    }

    /** A running Ferry logs to standard error at INFO, in the documented pattern, set up without XML. */
    @Test
    void ferrysOwnSetUpIsStandardErrorAtInfo() {
        LoggerContext context = new LoggerContext();
        LogConfigurator.setUp(context);

        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("io.ferry").getLevel()).isEqualTo(Level.INFO);
        ConsoleAppender<ILoggingEvent> stderr = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDERR");
        assertThat(stderr.isStarted()).isTrue();
        assertThat(stderr.getTarget()).isEqualTo("System.err");
        assertThat(((PatternLayoutEncoder) stderr.getEncoder()).getPattern()).isEqualTo(LogConfigurator.PATTERN);
        context.stop();
    }

    /** A configuration of one's own wins: here the tests' logback-test.xml, found by logback's search. */
    @Test
    void aConfigurationOfOnesOwnWins() {
        assertThat(LogConfigurator.configuredElsewhere()).isTrue();
        assertThat(new LogConfigurator().configure(new LoggerContext()))
                .isEqualTo(ch.qos.logback.classic.spi.Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
    }
}
