package io.ferry.net;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoOps;

/**
 * Netty's epoll handler, with each descriptor kept in the epoll set for as long as it is
 * registered, even while its channel wants no event.
 *
 * <p>Netty 4.2 takes a descriptor that wants no event out of the epoll set ({@code EPOLL_CTL_DEL})
 * but still counts it as in the set, so the next interest it is given is an {@code EPOLL_CTL_MOD}
 * that fails ({@code ENOENT}), and the write that asked for it fails: the connection is cut. That
 * happens to a connection whose peer half-closed (its FIN turns reading off) before anything waited
 * to be written to it, as soon as more is written to it than its socket takes at once, such as an
 * answer larger than the client's window after {@code printf 'GET ...' | nc}, or any tunnel whose
 * client sent its FIN first. Here a registration that wants no event asks for {@code EPOLLET}
 * alone instead: nothing but the hang-ups and errors that epoll always reports, each once, as Netty
 * wants when it leaves the set (it would not be woken again and again by a hang-up either).
 */
final class EpollKeepsRegistrations extends ForwardingIoHandler {

    private EpollKeepsRegistrations(IoHandler handler) {
        super(handler);
    }

    /** Wraps each handler {@code factory} makes. */
    static IoHandlerFactory factory(IoHandlerFactory factory) {
        return wrapping(factory, EpollKeepsRegistrations::new);
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        IoRegistration registration = super.register(handle);
        return new IoRegistration() {
            @Override
            public <T> T attachment() {
                return registration.attachment();
            }

            @Override
            public long submit(IoOps ops) {
                return registration.submit(EpollIoOps.NONE.equals(ops) ? EpollIoOps.EPOLLET : ops);
            }

            @Override
            public boolean isValid() {
                return registration.isValid();
            }

            @Override
            public boolean cancel() {
                return registration.cancel();
            }
        };
    }
}
