package io.ferry.proxy;

import io.ferry.net.Transport;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The event loops of a Ferry and of the generations a reload builds after it: shut down when the
 * last generation using them has closed. Sharing them is what lets a listening socket, registered
 * on one of them, pass from one generation to the next.
 *
 * <p>A loop whose thread ends before that (an error) leaves its connections and its listening
 * sockets unserved, while the kernel still queues new connections on those sockets:
 * {@link #failure()} then says which, so that the process can end and be started again rather
 * than serve part of its clients. The loop threads say when they end themselves, however they end:
 * an error thrown while Netty cleans up can end a thread before Netty marks its loop terminated.
 */
final class SharedLoops {

    final MultiThreadIoEventLoopGroup group;
    final int threads;
    /** Generations using the loops: none once the last has released them. */
    private final AtomicInteger users = new AtomicInteger(1);
    private final CompletableFuture<String> failure = new CompletableFuture<>();

    SharedLoops(Transport transport, int threads) {
        this.threads = threads;
        this.group = transport.newEventLoopGroup(threads, this::ended);
    }

    private void ended(String thread) {
        if (users.get() > 0) {
            failure.complete("the event loop thread " + thread + " stopped unexpectedly (the log says why, before "
                    + "this): the connections and listening sockets on it are no longer served");
        }
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

    /** Completes, with what happened, when a loop thread ends before the last generation released them. */
    CompletableFuture<String> failure() {
        return failure;
    }
}
