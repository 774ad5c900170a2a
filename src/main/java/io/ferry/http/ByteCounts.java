package io.ferry.http;

/**
 * Told of the bytes a client connection's codec reads from the connection and passes on to be
 * written to it (the log's {@code %U} and {@code %B}, heads included), as they go, on the
 * connection's event loop.
 */
public interface ByteCounts {

    void read(long bytes);

    void written(long bytes);
}
