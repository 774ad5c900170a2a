package io.ferry.proxy;

import io.netty.channel.EventLoopGroup;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Something that runs beside a {@link Ferry} and reads or changes it through its public methods:
 * the runtime API on {@code stats socket} lines is one. {@link Ferry#start} starts every service
 * found with {@link ServiceLoader} once its listeners are bound, and closes them first when it
 * stops; so that the packages above {@code proxy} plug in without {@code proxy} depending on them.
 */
public interface FerryService {

    /**
     * Starts what {@code ferry}'s configuration asks of this service (possibly nothing).
     *
     * @param loops Ferry's event loops, for the service's own sockets
     * @return what stops it
     * @throws IllegalStateException when it cannot start (an address cannot be bound)
     */
    Running start(Ferry ferry, EventLoopGroup loops);

    /** A started service. */
    interface Running extends AutoCloseable {

        /** The addresses it listens on, with real ports for port 0; none by default. */
        default List<java.net.SocketAddress> addresses() {
            return List.of();
        }
    }

    /** The services on the class path. */
    static List<FerryService> all() {
        return ServiceLoader.load(FerryService.class, FerryService.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).toList();
    }
}
