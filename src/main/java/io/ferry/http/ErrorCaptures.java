package io.ferry.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last refused request of each frontend and the last refused response of each backend, the
 * store behind {@code show errors}. Bounded: one entry per proxy and direction, each holding at
 * most the bytes of one buffer. Written by the event loops when a message is refused (rare), read
 * from any thread.
 */
public final class ErrorCaptures {

    private record Key(String proxy, CapturedError.Direction direction) {
    }

    private final Map<Key, CapturedError> last = new ConcurrentHashMap<>();
    private final AtomicLong events = new AtomicLong();

    void record(CapturedError.Direction direction, String proxy, String server, java.net.SocketAddress peer,
                long streamOffset, HttpViolation v, byte[] bytes) {
        long n = events.incrementAndGet();
        last.put(new Key(proxy, direction), new CapturedError(n, java.time.Instant.now(), proxy, direction, server,
                peer, streamOffset, v.position(), v.reason(), v.status(), bytes));
    }

    /** Every capture, oldest first. */
    public List<CapturedError> all() {
        List<CapturedError> list = new ArrayList<>(last.values());
        list.sort(Comparator.comparingLong(CapturedError::event));
        return list;
    }

    /** The last request frontend {@code proxy} refused. */
    public Optional<CapturedError> lastRequest(String proxy) {
        return Optional.ofNullable(last.get(new Key(proxy, CapturedError.Direction.REQUEST)));
    }

    /** The last response backend {@code proxy} refused. */
    public Optional<CapturedError> lastResponse(String proxy) {
        return Optional.ofNullable(last.get(new Key(proxy, CapturedError.Direction.RESPONSE)));
    }

    /** How many messages were refused since start. */
    public long total() {
        return events.get();
    }
}
