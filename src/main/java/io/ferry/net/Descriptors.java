package io.ferry.net;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.OptionalLong;

/**
 * The process's file-descriptor budget, and the global {@code maxconn} HAProxy derives from it.
 *
 * <p>Java cannot change the limit itself (there is no {@code setrlimit}), but the JVM raises its
 * soft limit to the hard limit when it starts on Linux, so the limit read here is in practice
 * what the service manager ({@code LimitNOFILE=}) or the shell ({@code ulimit -n}) allowed.
 */
public final class Descriptors {

    /** HAProxy's floor for a derived {@code maxconn} (its {@code DEFAULT_MAXCONN}). */
    public static final int MIN_DERIVED_MAXCONN = 100;

    private Descriptors() {
    }

    /** The soft limit on open descriptors of this process, when the platform says. */
    public static OptionalLong limit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long max = unix.getMaxFileDescriptorCount();
            return max > 0 ? OptionalLong.of(max) : OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /** Descriptors open in this process now (the JVM's own files, listeners, ...). */
    public static long open() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return Math.max(0, unix.getOpenFileDescriptorCount());
        }
        return 0;
    }

    /**
     * HAProxy's rule for an unset global {@code maxconn}: each connection needs two descriptors
     * (client and server side), so what remains of the limit once the descriptors already needed
     * are counted, halved; never less than {@link #MIN_DERIVED_MAXCONN}.
     *
     * @param limit the descriptor limit ({@code ulimit-n} when set)
     * @param reserved descriptors needed besides connections: those open now, listeners, checks
     */
    public static int derivedMaxconn(long limit, long reserved) {
        long maxconn = (limit - reserved) / 2;
        return (int) Math.max(MIN_DERIVED_MAXCONN, Math.min(10_000_000, maxconn));
    }

    /** The descriptors {@code maxconn} connections need, with {@code reserved} more. */
    public static long needed(int maxconn, long reserved) {
        return 2L * maxconn + reserved;
    }
}
