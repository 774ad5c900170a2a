package io.ferry.cli;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The signals a serving Ferry answers, as HAProxy does: SIGINT and SIGTERM stop now, SIGUSR1 stops
 * softly, SIGHUP and SIGUSR2 reload the configuration. Stopping ends with exit status 0, as test
 * harnesses written for HAProxy expect.
 *
 * <p>The JVM's own handling of SIGINT and SIGTERM would run shutdown hooks and exit with 130 or 143,
 * so the handlers are replaced while Ferry runs, and restored by {@link #close()}. A signal that
 * arrives before there is anything to act on is remembered and acted on by {@link #on}.
 */
final class ProcessSignals implements AutoCloseable {

    /** What a signal asks for. */
    enum Request { STOP, SOFT_STOP, RELOAD }

    private static final Map<String, Request> SIGNALS = Map.of("INT", Request.STOP, "TERM", Request.STOP,
            "USR1", Request.SOFT_STOP, "HUP", Request.RELOAD, "USR2", Request.RELOAD);

    private final Map<Signal, SignalHandler> previous = new HashMap<>();
    private final Map<Request, Runnable> actions = new EnumMap<>(Request.class);
    private final Map<Request, Boolean> pending = new EnumMap<>(Request.class);

    private ProcessSignals() {
    }

    static ProcessSignals install() {
        ProcessSignals s = new ProcessSignals();
        SIGNALS.forEach((name, request) -> {
            Signal signal = new Signal(name);
            s.previous.put(signal, Signal.handle(signal, received -> s.received(request)));
        });
        return s;
    }

    /** Runs {@code action} on each signal asking for {@code request}, and now if one has already arrived. */
    void on(Request request, Runnable action) {
        boolean now;
        synchronized (this) {
            actions.put(request, action);
            now = pending.remove(request) != null;
        }
        if (now) {
            action.run();
        }
    }

    private void received(Request request) {
        Runnable a;
        synchronized (this) {
            a = actions.get(request);
            if (a == null) {
                pending.put(request, true);
            }
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
