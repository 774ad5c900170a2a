package io.ferry.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelException;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the log says when accepting or connecting fails for lack of descriptors or memory, on an injected clock. */
class ShortageReportTest {

    private long now = TimeUnit.SECONDS.toNanos(1000);
    private final List<String> warnings = new ArrayList<>();
    private final List<String> notices = new ArrayList<>();
    private final ShortageReport report = new ShortageReport(() -> "bind :80 (frontend www at f.cfg:3)",
            "accept connections", "connections wait in the backlog", () -> now, () -> OptionalLong.of(1024),
            warnings::add, notices::add);

    private void advance(long millis) {
        now += TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void theFirstFailureIsSaidWithWhatRanOutTheLimitAndAFix() {
        report.failed(ResourceShortage.PROCESS_FILES);
        assertThat(warnings).containsExactly("bind :80 (frontend www at f.cfg:3) cannot accept connections: the "
                + "process has reached its limit of open files (1024); connections wait in the backlog. Fix: raise the "
                + "limit (LimitNOFILE= in the systemd unit, or ulimit -n) or lower maxconn");
        assertThat(notices).isEmpty();
    }

    @Test
    void failuresThatGoOnAreSaidOnceAMinuteWithTheirCount() {
        for (int i = 0; i < 1200; i++) {
            report.failed(ResourceShortage.SYSTEM_FILES);
            advance(100);
        }
        // at 0 s and 60 s; the last failure is at 119.9 s
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(1)).isEqualTo("bind :80 (frontend www at f.cfg:3) still cannot accept connections "
                + "(601 attempts failed over 60.0 s): the system has reached its limit of open files; connections "
                + "wait in the backlog. Fix: raise fs.file-max (sysctl) or lower maxconn");
    }

    @Test
    void successesAtTheEdgeOfTheLimitDoNotEndTheEpisodeUntilTenQuietSeconds() {
        for (int i = 0; i < 50; i++) {
            report.failed(ResourceShortage.PROCESS_FILES);
            advance(50);
            report.worked();
            advance(50);
        }
        assertThat(warnings).hasSize(1);
        assertThat(notices).isEmpty();
        advance(9_899);
        report.worked();
        assertThat(notices).isEmpty();
        advance(1);
        report.worked();
        report.worked();
        assertThat(notices).containsExactly("bind :80 (frontend www at f.cfg:3) can accept connections again: 50 "
                + "attempts failed over 4.9 s, the last 10.0 s ago");
    }

    @Test
    void aFailureAfterTenQuietSecondsBeginsAnotherEpisode() {
        report.failed(ResourceShortage.MEMORY);
        advance(10_000);
        report.failed(ResourceShortage.MEMORY);
        assertThat(warnings).hasSize(2).allSatisfy(w -> assertThat(w).contains(" cannot accept connections: the "
                + "system has no memory left for sockets; connections wait in the backlog. Fix: lower maxconn, or give "
                + "the system more memory"));
        advance(10_000);
        report.worked();
        assertThat(notices).containsExactly("bind :80 (frontend www at f.cfg:3) can accept connections again: 1 "
                + "attempt failed over 0.0 s, the last 10.0 s ago");
    }

    @Test
    void aSuccessWithoutFailureSaysNothing() {
        report.worked();
        assertThat(warnings).isEmpty();
        assertThat(notices).isEmpty();
    }

    @Test
    void theShortageIsReadFromTheErrorNumberOrTheJdksMessage() {
        // Netty's error numbers come from its native library
        Epoll.ensureAvailability();
        // a native transport's failed accept and failed socket()
        assertThat(ResourceShortage.of(Errors.newIOException("io_uring accept", -24)))
                .isEqualTo(ResourceShortage.PROCESS_FILES);
        assertThat(ResourceShortage.of(new ChannelException(Errors.newIOException("newSocketStream", -23))))
                .isEqualTo(ResourceShortage.SYSTEM_FILES);
        assertThat(ResourceShortage.of(Errors.newIOException("accept", -105))).isEqualTo(ResourceShortage.SOCKET_BUFFERS);
        assertThat(ResourceShortage.of(Errors.newIOException("accept", -12))).isEqualTo(ResourceShortage.MEMORY);
        // NIO's
        assertThat(ResourceShortage.of(new ChannelException("Failed to open a socket.",
                new IOException("Too many open files")))).isEqualTo(ResourceShortage.PROCESS_FILES);
        assertThat(ResourceShortage.of(new IOException("Too many open files in system")))
                .isEqualTo(ResourceShortage.SYSTEM_FILES);
        // anything else is no shortage
        assertThat(ResourceShortage.of(Errors.newIOException("accept", -1))).isNull();
        assertThat(ResourceShortage.of(new IOException("Connection reset by peer"))).isNull();
        assertThat(ResourceShortage.of(new IllegalStateException())).isNull();
        assertThat(ResourceShortage.of(null)).isNull();
    }
}
