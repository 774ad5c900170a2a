package io.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
}
