package io.ferry.proxy;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The event loops of a Ferry and of the generations a reload builds after it: shut down when the
 * last generation using them has closed. Sharing them is what lets a listening socket, registered
 * on one of them, pass from one generation to the next.
 */
final class SharedLoops {

    final MultiThreadIoEventLoopGroup group;
    final int threads;
    private final AtomicInteger users = new AtomicInteger(1);

    SharedLoops(MultiThreadIoEventLoopGroup group, int threads) {
        this.group = group;
        this.threads = threads;
    }

    /** One more generation uses the loops. */
    SharedLoops retain() {
        users.incrementAndGet();
        return this;
    }

    /** A generation is done with the loops; the last one shuts them down. */
    void release() {
        if (users.decrementAndGet() == 0) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
