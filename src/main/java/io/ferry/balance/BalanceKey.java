package io.ferry.balance;

import java.net.InetAddress;

/**
 * What hash-based algorithms read from a request; a method returns null when the value is absent
 * (a TCP connection has only a source), and the algorithm then falls back to round-robin.
 */
public interface BalanceKey {

    InetAddress source();

    /** The URI, or its path alone when {@code pathOnly}; without the query unless {@code whole}. */
    default String uri(boolean whole, boolean pathOnly) {
        return null;
    }

    default String urlParam(String name) {
        return null;
    }

    default String header(String name) {
        return null;
    }
}
