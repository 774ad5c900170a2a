package io.ferry.admin;

import io.ferry.proxy.Deadlines;
import io.ferry.proxy.Ferry;
import io.ferry.proxy.StreamSnapshot;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code show sess}: one line per live stream, with what Ferry knows of it: its id (what {@code
 * shutdown session} takes), frontend, backend and server of the current transaction, age, what the
 * stream is doing, the state of each connection and the time left on each deadline, earliest first:
 *
 * <pre>
 * 0x2a: proto=tcpv4 src=127.0.0.1:50312 fe=raw be=raw srv=s1 age=12s state=half-closed-client client=half-closed-write server=half-closed-read exp=client-fin:1496ms
 * </pre>
 */
final class Sessions {

    private Sessions() {
    }

    /** Every stream ({@code null} or {@code all}), or the one with id {@code which}. */
    static String text(Ferry ferry, String which) {
        List<StreamSnapshot> streams = ferry.streams();
        if (which != null && !which.equals("all")) {
            long id = parseId(which);
            streams = streams.stream().filter(s -> s.id() == id).toList();
            if (streams.isEmpty()) {
                return "Session not found.\n";
            }
        }
        StringBuilder b = new StringBuilder();
        for (StreamSnapshot s : streams) {
            b.append(line(s)).append('\n');
        }
        return b.toString();
    }

    static String line(StreamSnapshot s) {
        String proto = !(s.source() instanceof InetSocketAddress) ? "unix_stream"
                : ((InetSocketAddress) s.source()).getAddress() instanceof Inet6Address ? "tcpv6" : "tcpv4";
        String src = s.source() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() + ":" + a.getPort() : "unix";
        return "0x" + Long.toHexString(s.id()) + ": proto=" + proto + " src=" + src + " fe=" + s.frontend()
                + " be=" + (s.backend() == null ? "<NONE>" : s.backend())
                + " srv=" + (s.server() == null ? "<none>" : s.server())
                + " age=" + s.ageMs() / 1000 + "s state=" + s.state().word() + " client=" + s.client().word()
                + " server=" + s.serverSide().word() + " exp=" + deadlines(s.deadlines());
    }

    private static String deadlines(Map<Deadlines.Deadline, Long> d) {
        if (d.isEmpty()) {
            return "<NEVER>";
        }
        return d.entrySet().stream().sorted(Map.Entry.comparingByValue(Comparator.naturalOrder()))
                .map(e -> e.getKey().name().toLowerCase(Locale.ROOT).replace('_', '-') + ":" + e.getValue() + "ms")
                .collect(Collectors.joining(","));
    }

    /** A stream id as {@code show sess} prints it ({@code 0x2a}), or in decimal; -1 when it is neither. */
    static long parseId(String s) {
        try {
            return s.startsWith("0x") || s.startsWith("0X") ? Long.parseUnsignedLong(s.substring(2), 16)
                    : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
