package io.ferry.net;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * An I/O handler that begins a new iteration of its {@link LoopThread}'s clock each time the loop
 * runs it, then hands over to the handler it wraps: for a handler that takes no
 * {@link io.netty.channel.SelectStrategy}, where {@link PollBeforeSleeping} does this. It must wrap
 * a handler that waits for events before it handles any in a run (io_uring's does), so that
 * {@link LoopThread#nanoTime()}, read lazily, is read after the wait.
 */
final class ClockedIoHandler implements IoHandler {

    private final IoHandler handler;

    private ClockedIoHandler(IoHandler handler) {
        this.handler = handler;
    }

    /** Wraps each handler {@code factory} makes. */
    static IoHandlerFactory factory(IoHandlerFactory factory) {
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor executor) {
                return new ClockedIoHandler(factory.newHandler(executor));
            }

            @Override
            public boolean isChangingThreadSupported() {
                return factory.isChangingThreadSupported();
            }
        };
    }

    @Override
    public void initialize() {
        handler.initialize();
    }

    @Override
    public int run(IoHandlerContext context) {
        LoopThread.newIteration();
        return handler.run(context);
    }

    @Override
    public void prepareToDestroy() {
        handler.prepareToDestroy();
    }

    @Override
    public void destroy() {
        handler.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return handler.register(handle);
    }

    @Override
    public void wakeup() {
        handler.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return handler.isCompatible(handleType);
    }
}
