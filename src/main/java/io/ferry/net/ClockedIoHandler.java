package io.ferry.net;

import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;

/**
 * An I/O handler that begins a new iteration of its {@link LoopThread}'s clock each time the loop
 * runs it, then hands over to the handler it wraps: for a handler that takes no
 * {@link io.netty.channel.SelectStrategy}, where {@link PollBeforeSleeping} does this. It must wrap
 * a handler that waits for events before it handles any in a run (io_uring's does), so that
 * {@link LoopThread#nanoTime()}, read lazily, is read after the wait.
 */
final class ClockedIoHandler extends ForwardingIoHandler {

    private ClockedIoHandler(IoHandler handler) {
        super(handler);
    }

    /** Wraps each handler {@code factory} makes. */
    static IoHandlerFactory factory(IoHandlerFactory factory) {
        return wrapping(factory, ClockedIoHandler::new);
    }

    @Override
    public int run(IoHandlerContext context) {
        LoopThread.newIteration();
        return super.run(context);
    }
}
