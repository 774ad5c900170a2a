package io.ferry.net;

import io.netty.channel.Channel;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code bind}'s listening sockets and the connection limits it answers to (global, frontend,
 * bind). It accepts only while none of them is reached. A TCP bind has a socket for each event loop
 * ({@link ListenerGroup}), all on one address; others have one.
 *
 * <p>A reload hands the socket to the new configuration's {@link ListenerGroup}: from then on the
 * connections it accepts are set up by the new {@link ListenerGroup.Spec} and counted against the
 * new limits, while those accepted before stay with the old ones.
 */
public final class Listener {

    private volatile ListenerGroup.Spec spec;
    private volatile ListenerGroup group;
    /** Its listening sockets, the first bound first; empty until bound. */
    private volatile List<Channel> channels = List.of();
    private volatile UnixSocketFile unixFile;
    /** Whether accepting failed for lack of descriptors or memory, and waits to be tried again. */
    private volatile boolean starved;
    private final ShortageReport shortage;

    Listener(ListenerGroup.Spec spec, ListenerGroup group) {
        this.spec = spec;
        this.group = group;
        this.shortage = AcceptGateHandler.shortageReport(this);
    }

    /** What its sockets say when accepting fails for lack of descriptors or memory: once for them all. */
    ShortageReport shortage() {
        return shortage;
    }

    /**
     * The address it listens on: an {@link java.net.InetSocketAddress} with the real port when bound
     * to port 0, or the {@link DomainSocketAddress} of a unix socket's path.
     */
    public SocketAddress localAddress() {
        return unixFile != null ? new DomainSocketAddress(unixFile.path().toString()) : channels.get(0).localAddress();
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

    void bound(List<Channel> serverChannels) {
        this.channels = List.copyOf(serverChannels);
    }

    List<Channel> channels() {
        return channels;
    }

    /**
     * Counts a connection against every limit of the spec of the moment, which it returns, or
     * against none when one is reached (or accepting starved), and returns null: atomically for
     * each limit, so that the loops of two listeners under one limit (two binds of a frontend, or
     * the global maxconn) cannot both take its last slot.
     */
    ListenerGroup.Spec tryAdmit() {
        if (starved) {
            return null;
        }
        ListenerGroup.Spec s = spec;
        List<ConnectionLimit> ls = s.limits();
        for (int i = 0; i < ls.size(); i++) {
            if (!ls.get(i).tryAcquire()) {
                boolean freed = false;
                for (int j = 0; j < i; j++) {
                    freed |= ls.get(j).release();
                }
                if (freed) {
                    // another listener may have paused on a limit this one held for a moment
                    group.refreshAll();
                }
                return null;
            }
        }
        return s;
    }

    boolean mayAccept() {
        if (starved) {
            return false;
        }
        for (ConnectionLimit l : limits()) {
            if (l.reached()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Accepting failed for lack of descriptors or memory ({@link ResourceShortage}): pauses it for
     * {@code pauseMillis}, or until a connection of the group closes if one does sooner, as HAProxy
     * pauses a listener for up to 100 ms. Accepting at once again would fail again, and the
     * connections waiting wait as well in the socket's backlog as anywhere.
     */
    void starve(long pauseMillis) {
        List<Channel> cs = channels;
        if (cs.isEmpty()) {
            return;
        }
        starved = true;
        group.starving();
        refresh();
        cs.get(0).eventLoop().schedule(this::unstarve, pauseMillis, TimeUnit.MILLISECONDS);
    }

    /** Tries accepting again after {@link #starve}. */
    void unstarve() {
        if (starved) {
            starved = false;
            refresh();
        }
    }

    /**
     * Pauses or resumes accepting according to the limits; on resuming, first takes in the
     * connections held while paused ({@link AcceptGateHandler}).
     */
    void refresh() {
        for (Channel c : channels) {
            refresh(c);
        }
    }

    private void refresh(Channel c) {
        if (!c.eventLoop().inEventLoop()) {
            // On the socket's own loop, which reads the limits as they are then: the pauses and
            // resumes several loops ask for at once are not applied out of order.
            c.eventLoop().execute(() -> refresh(c));
            return;
        }
        if (c.isOpen()) {
            boolean accept = mayAccept();
            if (accept) {
                AcceptGateHandler gate = c.pipeline().get(AcceptGateHandler.class);
                if (gate != null && gate.holding()) {
                    c.eventLoop().execute(() -> {
                        gate.admitHeld();
                        refresh(c);
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
