package io.ferry.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Counting connections against a maxconn, and a listener's admission under several limits. */
class ConnectionLimitTest {

    @Test
    void aLimitCountsUpToItsMaximumAndFreesASlotOnRelease() {
        ConnectionLimit l = new ConnectionLimit("frontend www", 2);
        assertThat(l.tryAcquire()).isTrue();
        assertThat(l.tryAcquire()).isTrue();
        assertThat(l.reached()).isTrue();
        assertThat(l.tryAcquire()).isFalse();
        assertThat(l.current()).isEqualTo(2);
        // back below the limit: listeners paused on it resume
        assertThat(l.release()).isTrue();
        assertThat(l.tryAcquire()).isTrue();
        ConnectionLimit none = new ConnectionLimit("bind :80", 0);
        for (int i = 0; i < 1000; i++) {
            assertThat(none.tryAcquire()).isTrue();
        }
        assertThat(none.release()).isFalse();
    }

    @Test
    void loopsAdmittingAtOnceNeverTakeALimitPastItsMaximum() throws Exception {
        ConnectionLimit l = new ConnectionLimit("global", 3);
        AtomicInteger over = new AtomicInteger();
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 50_000; i++) {
                    if (l.tryAcquire()) {
                        admitted.incrementAndGet();
                        if (l.current() > 3) {
                            over.incrementAndGet();
                        }
                        l.release();
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        start.countDown();
        for (Thread th : threads) {
            th.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertThat(over.get()).isZero();
        assertThat(admitted.get()).isPositive();
        assertThat(l.current()).isZero();
    }

    @Test
    void aListenerAdmitsUnderAllItsLimitsOrNone() throws Exception {
        MultiThreadIoEventLoopGroup loops = Transport.NIO.newEventLoopGroup(1);
        try {
            ConnectionLimit global = new ConnectionLimit("global", 10);
            ConnectionLimit frontend = new ConnectionLimit("frontend www", 1);
            ListenerGroup group = new ListenerGroup(Transport.NIO, loops, loops);
            ListenerGroup.Spec spec = new ListenerGroup.Spec("bind", new InetSocketAddress(0), -1, 0,
                    List.of(global, frontend), ch -> { }, 0, false, false, null, 1, false, false, SocketBuffers.NONE);
            Listener listener = new Listener(spec, group);
            assertThat(listener.tryAdmit()).isSameAs(spec);
            assertThat(global.current()).isEqualTo(1);
            assertThat(frontend.current()).isEqualTo(1);
            // the frontend's limit is reached: the global count taken first is given back
            assertThat(listener.tryAdmit()).isNull();
            assertThat(global.current()).isEqualTo(1);
            assertThat(frontend.current()).isEqualTo(1);
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
