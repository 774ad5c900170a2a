package io.ferry.net;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/**
 * The two ends of an accepted connection as samples and logs see them: the client's and the
 * listener's IP address and port, or, for a connection accepted on a unix socket, neither but the
 * listener's id. HAProxy does the same: on a unix socket {@code src}, {@code dst} and their ports
 * are not found, its logs write {@code unix} for {@code %ci} and {@code %fi} and the listener's id
 * for {@code %cp} and {@code %fp}, and {@code option forwardfor} adds no header.
 *
 * @param source the client's address, null on a unix socket
 * @param destination the address the client connected to, null on a unix socket
 * @param unixListener the listener's id in its frontend on a unix socket, 0 otherwise
 */
public record ConnectionEnds(InetSocketAddress source, InetSocketAddress destination, int unixListener) {

    /** The ends of a connection accepted by a {@link ListenerGroup}. */
    public static ConnectionEnds of(Channel accepted) {
        if (accepted.remoteAddress() instanceof InetSocketAddress remote
                && accepted.localAddress() instanceof InetSocketAddress local) {
            return new ConnectionEnds(remote, local, 0);
        }
        ListenerGroup.Spec spec = ListenerGroup.specOf(accepted);
        return new ConnectionEnds(null, null, spec == null ? 0 : spec.id());
    }

    /** Whether the connection came over a unix socket. */
    public boolean unix() {
        return source == null;
    }
}
