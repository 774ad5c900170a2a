package io.ferry.net;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Tells the log that something fails for lack of a resource ({@link ResourceShortage}), without a
 * line per failure: a warning at the first failure, another at most once a minute while failures
 * go on, with their count, and a notice at the first success once none has failed for
 * {@link #QUIET_NANOS}. At the edge of a limit, successes and failures alternate as connections
 * close and open; the quiet period keeps that to one warning and one notice. Failures and
 * successes may be reported from any thread.
 *
 * <pre>{@code
 * ShortageReport r = ShortageReport.logging(log, listener::description, "accept connections",
 *         "connections wait in the listening socket's backlog");
 * r.failed(ResourceShortage.PROCESS_FILES);   // warns
 * r.worked();                                 // 10 s later: "... can accept connections again: ..."
 * }</pre>
 */
public final class ShortageReport {

    /** How often a warning is repeated while the failures go on. */
    static final long REPEAT_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** How long without a failure before a success ends the episode. */
    static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Supplier<String> subject;
    private final String action;
    private final String meanwhile;
    private final LongSupplier nanos;
    private final Supplier<OptionalLong> fileLimit;
    private final Consumer<String> warn;
    private final Consumer<String> notice;

    /** Read without the lock by {@link #worked()}, so that a success costs one volatile read. */
    private volatile boolean failing;
    private long since;
    private long lastFailure;
    private long lastWarned;
    private long failures;

    /**
     * @param subject what fails, e.g. {@code bind 127.0.0.1:80 (frontend www at f.cfg:3)}
     * @param action what it cannot do, after "cannot": {@code accept connections}
     * @param meanwhile what happens while it cannot
     * @param fileLimit the process's limit of open files, said with {@link ResourceShortage#PROCESS_FILES}
     */
    ShortageReport(Supplier<String> subject, String action, String meanwhile, LongSupplier nanos,
                   Supplier<OptionalLong> fileLimit, Consumer<String> warn, Consumer<String> notice) {
        this.subject = subject;
        this.action = action;
        this.meanwhile = meanwhile;
        this.nanos = nanos;
        this.fileLimit = fileLimit;
        this.warn = warn;
        this.notice = notice;
    }

    /** A report to {@code log}: warnings at WARN, the return to work at INFO. */
    public static ShortageReport logging(Logger log, Supplier<String> subject, String action, String meanwhile) {
        return new ShortageReport(subject, action, meanwhile, System::nanoTime, Descriptors::limit, log::warn,
                log::info);
    }

    /** One more failure for lack of {@code shortage}. */
    public void failed(ResourceShortage shortage) {
        String line = null;
        synchronized (this) {
            long now = nanos.getAsLong();
            if (!failing || now - lastFailure >= QUIET_NANOS) {
                failing = true;
                since = now;
                lastWarned = now;
                failures = 1;
                line = subject.get() + " cannot " + action + ": " + what(shortage) + "; " + meanwhile + ". Fix: "
                        + shortage.fix();
            } else {
                failures++;
                if (now - lastWarned >= REPEAT_NANOS) {
                    lastWarned = now;
                    line = subject.get() + " still cannot " + action + " (" + attempts(failures) + " failed over "
                            + seconds(now - since) + " s): " + what(shortage) + "; " + meanwhile + ". Fix: "
                            + shortage.fix();
                }
            }
            lastFailure = now;
        }
        if (line != null) {
            warn.accept(line);
        }
    }

    /** It worked: says so if it had failed, and has not for {@link #QUIET_NANOS}. */
    public void worked() {
        if (!failing) {
            return;
        }
        String line;
        synchronized (this) {
            long now = nanos.getAsLong();
            if (!failing || now - lastFailure < QUIET_NANOS) {
                return;
            }
            failing = false;
            line = subject.get() + " can " + action + " again: " + attempts(failures) + " failed over "
                    + seconds(lastFailure - since) + " s, the last " + seconds(now - lastFailure) + " s ago";
        }
        notice.accept(line);
    }

    private String what(ResourceShortage shortage) {
        OptionalLong limit = shortage == ResourceShortage.PROCESS_FILES ? fileLimit.get() : OptionalLong.empty();
        return shortage.says() + (limit.isPresent() ? " (" + limit.getAsLong() + ")" : "");
    }

    private static String attempts(long n) {
        return n + (n == 1 ? " attempt" : " attempts");
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
    }
}
