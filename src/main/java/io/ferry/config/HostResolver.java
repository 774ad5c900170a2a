package io.ferry.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Turns the host of a {@code bind} or {@code server} address into an IP address when the
 * configuration is read. {@link #SYSTEM} asks the system resolver; an embedding program or a test
 * may answer without DNS:
 *
 * <pre>{@code
 * ConfigLoader.builder().resolver(host -> InetAddress.getByName("127.0.0.1")).build();
 * }</pre>
 */
@FunctionalInterface
public interface HostResolver {

    /** The system resolver ({@link InetAddress#getByName}), which also reads IP literals. */
    HostResolver SYSTEM = InetAddress::getByName;

    /** @throws UnknownHostException when the name has no address */
    InetAddress resolve(String host) throws UnknownHostException;
}
