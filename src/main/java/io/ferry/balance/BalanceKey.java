package io.ferry.balance;

import java.net.InetAddress;

/** What hash-based algorithms read from a request; any method may return null when the value is absent. */
public interface BalanceKey {

    InetAddress source();

    /** The URI, or its path alone when {@code pathOnly}; without the query unless {@code whole}. */
    String uri(boolean whole, boolean pathOnly);

    String urlParam(String name);

    String header(String name);
}
