package io.ferry.proxy;

import io.ferry.config.Config;

/**
 * A running Ferry: the listeners and streams built from one {@link Config}.
 *
 * <pre>{@code
 * try (Ferry ferry = Ferry.start(config)) {
 *     ferry.awaitClose();
 * }
 * }</pre>
 */
public final class Ferry implements AutoCloseable {

    private Ferry() {
    }

    /**
     * Builds the runtime for {@code config} and starts serving.
     *
     * @throws UnsupportedOperationException in this version, which checks configurations but does not proxy yet
     */
    public static Ferry start(Config config) {
        throw new UnsupportedOperationException("this version of Ferry checks configurations (-c) but does not "
                + "serve traffic yet");
    }

    /** Blocks until the proxy has stopped. */
    public void awaitClose() throws InterruptedException {
    }

    /** Stops now: closes listeners and every stream. */
    @Override
    public void close() {
    }
}
