package io.ferry.cli;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

    /** What Ferry says at start when {@link #jvmSuspendsWithUsr2} holds. */
    static final String USR2_SHARED = "SIGUSR2 reloads Ferry, and this JVM also sends it to its own threads to "
            + "suspend them for each sample of Java Flight Recorder: a JFR recording would reload Ferry at every "
            + "sample. Start Ferry with _JAVA_SR_SIGNUM=39 in its environment (bin/ferry and "
            + "packaging/ferry.service do), or profile it without JFR.";

    /**
     * The signals HotSpot leaves ignored when the process started with them ignored, with what else
     * asks for the same: it takes no handler for SIGHUP, SIGINT or SIGTERM then (nohup ignores
     * SIGHUP, a shell ignores SIGINT in its background jobs). SIGUSR1 and SIGUSR2 it takes anyway.
     * Sorted by name, which is the order Ferry warns in: HUP, INT, TERM.
     */
    private static final Map<String, String> KEPT_IGNORED = new TreeMap<>(Map.of("HUP", "SIGUSR2", "INT", "SIGTERM",
            "TERM", "SIGINT"));

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

    /**
     * Whether the JVM of a process with environment {@code env} suspends its threads with SIGUSR2,
     * the signal Ferry takes as "reload". It does unless {@code _JAVA_SR_SIGNUM} names another,
     * read as HotSpot reads it: the leading digits ({@code strtol}), a signal above SIGSEGV (11)
     * and below 65; anything else leaves SIGUSR2.
     */
    static boolean jvmSuspendsWithUsr2(Map<String, String> env) {
        String v = env.get("_JAVA_SR_SIGNUM");
        if (v == null) {
            return true;
        }
        String t = v.strip();
        if (t.startsWith("+")) {
            t = t.substring(1);
        }
        int end = 0;
        while (end < t.length() && end < 3 && Character.isDigit(t.charAt(end))) {
            end++;
        }
        int sig = end == 0 ? 0 : Integer.parseInt(t.substring(0, end));
        return sig <= 11 || sig >= 65 || sig == new Signal("USR2").getNumber();
    }

    /**
     * What Ferry says at start for each signal it answers that its process started with ignored
     * and that the JVM therefore keeps ignored, in the order HUP, INT, TERM: Ferry does not see it.
     */
    List<String> keptIgnored() {
        List<String> out = new ArrayList<>();
        for (String name : KEPT_IGNORED.keySet()) {
            if (previous.get(new Signal(name)) == SignalHandler.SIG_IGN) {
                out.add(keptIgnoredWarning(name));
            }
        }
        return out;
    }

    static String keptIgnoredWarning(String name) {
        String does = SIGNALS.get(name) == Request.RELOAD ? "reload" : "stop";
        return "SIG" + name + " was ignored when this process started (nohup ignores SIGHUP, a shell ignores "
                + "SIGINT in its background jobs), and the JVM keeps it ignored: SIG" + name + " will not " + does
                + " Ferry. Send " + KEPT_IGNORED.get(name) + " instead, or start Ferry with bin/ferry, which "
                + "restores SIGHUP and SIGINT.";
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
