package io.ferry.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.util.AttributeKey;

/**
 * Sets up an accepted connection as the {@link ListenerGroup.Spec} it was accepted under says:
 * socket options, then the spec's own pipeline. Read from the connection rather than fixed at bind
 * time, so that a listening socket handed to a new configuration serves it.
 */
final class AcceptedConnectionInitializer extends ChannelInitializer<Channel> {

    /** The spec a connection was accepted under, for the pipeline it sets up. */
    static final AttributeKey<ListenerGroup.Spec> ACCEPTED_UNDER = AttributeKey.valueOf("ferry.acceptedUnder");

    private final Transport transport;

    AcceptedConnectionInitializer(Transport transport) {
        this.transport = transport;
    }

    @Override
    protected void initChannel(Channel ch) {
        // set by AcceptGateHandler as the connection was accepted
        ListenerGroup.Spec spec = ch.attr(ACCEPTED_UNDER).get();
        if (!spec.unix()) {
            // a unix socket has no TCP options
            transport.setTcpOptions(ch.config(), spec.keepAlive(), spec.noLinger(), spec.tcpUserTimeoutMs());
        }
        spec.childInitializer().accept(ch);
    }
}
