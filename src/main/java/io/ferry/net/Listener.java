package io.ferry.net;

import io.netty.channel.Channel;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * One listening socket and the connection limits it answers to (global, frontend, bind). It
 * accepts only while none of them is reached.
 *
 * <p>A reload hands the socket to the new configuration's {@link ListenerGroup}: from then on the
 * connections it accepts are set up by the new {@link ListenerGroup.Spec} and counted against the
 * new limits, while those accepted before stay with the old ones.
 */
public final class Listener {

    private volatile ListenerGroup.Spec spec;
    private volatile ListenerGroup group;
    private volatile Channel channel;
    private volatile UnixSocketFile unixFile;

    Listener(ListenerGroup.Spec spec, ListenerGroup group) {
        this.spec = spec;
        this.group = group;
    }

    /**
     * The address it listens on: an {@link java.net.InetSocketAddress} with the real port when bound
     * to port 0, or the {@link DomainSocketAddress} of a unix socket's path.
     */
    public SocketAddress localAddress() {
        return unixFile != null ? new DomainSocketAddress(unixFile.path().toString()) : channel.localAddress();
    }

    public List<ConnectionLimit> limits() {
        return spec.limits();
    }

    public String description() {
        return spec.description();
    }

    ListenerGroup.Spec spec() {
        return spec;
    }

    ListenerGroup group() {
        return group;
    }

    /** Serves {@code next} from now on, as a listener of {@code owner}. */
    void handOver(ListenerGroup.Spec next, ListenerGroup owner) {
        this.spec = next;
        this.group = owner;
        refresh();
    }

    /** The socket file of a unix listener; null for others. */
    UnixSocketFile unixFile() {
        return unixFile;
    }

    void unixFile(UnixSocketFile file) {
        this.unixFile = file;
    }

    void bound(Channel serverChannel) {
        this.channel = serverChannel;
    }

    Channel channel() {
        return channel;
    }

    boolean mayAccept() {
        for (ConnectionLimit l : limits()) {
            if (l.reached()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Pauses or resumes accepting according to the limits; on resuming, first takes in the
     * connections held while paused ({@link AcceptGateHandler}).
     */
    void refresh() {
        Channel c = channel;
        if (c != null && c.isOpen()) {
            boolean accept = mayAccept();
            if (accept) {
                AcceptGateHandler gate = c.pipeline().get(AcceptGateHandler.class);
                if (gate != null && gate.holding()) {
                    c.eventLoop().execute(() -> {
                        gate.admitHeld();
                        refresh();
                    });
                    return;
                }
            }
            if (c.config().isAutoRead() != accept) {
                c.config().setAutoRead(accept);
            }
        }
    }

    @Override
    public String toString() {
        return description();
    }
}
