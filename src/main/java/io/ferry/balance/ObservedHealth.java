package io.ferry.balance;

import io.ferry.config.ServerOptions;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code observe layer4|layer7}: what live traffic says about a server's health (HAProxy's "health
 * analyze"). Streams report each {@link Event}; with {@code layer4} connection outcomes count, with
 * {@code layer7} also HTTP responses (and connection successes are ignored). An error adds one to
 * the count of consecutive errors, a success sets it back to 0 (so does a passed check); once it
 * reaches {@code error-limit}, {@code on-error} is applied ({@link ServerState#analyzeFailed}), the
 * change logged with reason "Health analyze", and the count starts again from 0.
 *
 * <p>Called from any event loop: the count is one atomic integer; the rare action takes the
 * server state's lock.
 */
public final class ObservedHealth {

    /** What a stream saw, with HAProxy's words for it and how each mode counts it. */
    public enum Event {
        L4_OK("L4 successful connection", Count.SUCCESS, Count.IGNORED),
        L4_ERR("L4 unsuccessful connection", Count.ERROR, Count.ERROR),
        HTTP_OK("Correct http response", Count.IGNORED, Count.SUCCESS),
        HTTP_STS("Wrong http response", Count.IGNORED, Count.ERROR),
        HTTP_HDRRSP("Invalid http response (headers)", Count.IGNORED, Count.ERROR),
        HTTP_READ_TIMEOUT("Read timeout (http)", Count.IGNORED, Count.ERROR),
        HTTP_BROKEN_PIPE("Close from server (http)", Count.IGNORED, Count.ERROR);

        private final String description;
        private final Count layer4;
        private final Count layer7;

        Event(String description, Count layer4, Count layer7) {
            this.description = description;
            this.layer4 = layer4;
            this.layer7 = layer7;
        }

        /** HAProxy's words, as in "last one was: L4 unsuccessful connection". */
        public String description() {
            return description;
        }

        /**
         * The event for an HTTP response status: 5xx are errors except 501 and 505, which the
         * client's request causes (HAProxy's rule).
         */
        public static Event ofStatus(int status) {
            return status < 500 || status == 501 || status == 505 ? HTTP_OK : HTTP_STS;
        }
    }

    private enum Count { IGNORED, SUCCESS, ERROR }

    private final BackendServer server;
    private final ServerOptions.Observe mode;
    private final int limit;
    private final ServerOptions.OnError onError;
    private final ServerHealthLog log;
    private final AtomicInteger consecutive = new AtomicInteger();

    ObservedHealth(BackendServer server, ServerOptions options, ServerHealthLog log) {
        if (options.observe() == ServerOptions.Observe.NONE) {
            throw new IllegalArgumentException("observe is not set for " + server);
        }
        this.server = server;
        this.mode = options.observe();
        this.limit = options.errorLimit();
        this.onError = options.onError();
        this.log = log;
    }

    /** Counts {@code e}; applies {@code on-error} when it makes {@code error-limit} errors in a row. */
    public void observed(Event e) {
        switch (mode == ServerOptions.Observe.LAYER4 ? e.layer4 : e.layer7) {
            case IGNORED -> {
            }
            case SUCCESS -> consecutive.set(0);
            case ERROR -> {
                int n = consecutive.incrementAndGet();
                // One reporter acts: the one whose error reached the limit and reset the count.
                if (n >= limit && consecutive.compareAndSet(n, 0)) {
                    log.analyzed(server, onError, "Detected " + n + " consecutive errors, last one was: "
                            + e.description());
                }
            }
        }
    }

    /** A passed check: the count starts again. */
    void reset() {
        consecutive.set(0);
    }

    /** Errors in a row counted now. */
    public int consecutiveErrors() {
        return consecutive.get();
    }
}
