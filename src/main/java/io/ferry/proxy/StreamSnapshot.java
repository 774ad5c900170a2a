package io.ferry.proxy;

import java.net.SocketAddress;
import java.util.Map;

/**
 * One live stream as the runtime API's {@code show sess} prints it, read on the stream's event loop.
 *
 * @param id the stream's number, unique in the process ({@code shutdown session} takes it)
 * @param source the client's address
 * @param backend the backend of the current transaction, null when there is none
 * @param server the server of the current transaction, null when there is none
 * @param ageMs milliseconds since the client connection was accepted
 * @param state what the stream is doing, as counted in {@link ProxyCounters}
 * @param client the client connection's state
 * @param serverSide the server connection's state
 * @param deadlines the deadlines set and the milliseconds left on each
 */
public record StreamSnapshot(long id, SocketAddress source, String frontend, String backend, String server,
                             long ageMs, ProxyCounters.ConnState state, Side client, Side serverSide,
                             Map<Deadlines.Deadline, Long> deadlines) {

    /** The state of one connection of a stream, as Ferry holds it. */
    public enum Side {
        /** There is no such connection now (no server yet, or between two transactions). */
        NONE,
        CONNECTING,
        /** Both directions open. */
        ESTABLISHED,
        /** Its FIN was read; Ferry may still write to it. */
        HALF_CLOSED_READ,
        /** Ferry shut its output towards it (forwarded the other side's FIN) and still reads it. */
        HALF_CLOSED_WRITE,
        CLOSED;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }
}
