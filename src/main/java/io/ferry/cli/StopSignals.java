package io.ferry.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM stop Ferry with exit status 0, as test harnesses written for HAProxy expect.
 *
 * <p>The JVM's own handling of these signals would run shutdown hooks and exit with 130 or 143, so
 * the handlers are replaced while Ferry runs, and restored by {@link #close()}. A signal that
 * arrives before there is anything to stop is remembered and acted on by {@link #onStop}.
 */
final class StopSignals implements AutoCloseable {

    private static final List<String> SIGNALS = List.of("INT", "TERM");

    private final Map<Signal, SignalHandler> previous = new HashMap<>();
    private Runnable action;
    private boolean requested;

    private StopSignals() {
    }

    static StopSignals install() {
        StopSignals s = new StopSignals();
        for (String name : SIGNALS) {
            Signal signal = new Signal(name);
            s.previous.put(signal, Signal.handle(signal, received -> s.stop()));
        }
        return s;
    }

    /** Runs {@code stop} on the first signal, or now if one has already arrived. */
    void onStop(Runnable stop) {
        boolean now;
        synchronized (this) {
            action = stop;
            now = requested;
        }
        if (now) {
            stop.run();
        }
    }

    private void stop() {
        Runnable a;
        synchronized (this) {
            requested = true;
            a = action;
        }
        if (a != null) {
            a.run();
        }
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
