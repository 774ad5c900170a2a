package io.ferry.admin;

import io.ferry.http.CapturedError;
import io.ferry.proxy.Backend;
import io.ferry.proxy.Ferry;
import io.ferry.proxy.Frontend;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * {@code show errors [<proxy>] [request|response]}: the last message each proxy refused, in
 * HAProxy's layout: when, which proxy and side, the peer, where in the connection's bytes the
 * message started and at which position it broke a rule, the rule, then the bytes themselves
 * escaped, one line per line of the message.
 */
final class Errors {

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());
    /** Escaped characters per dump line before it is continued on the next. */
    private static final int WIDTH = 72;

    private Errors() {
    }

    static String text(Ferry ferry, List<String> args) {
        String proxy = null;
        CapturedError.Direction only = null;
        for (String a : args) {
            if (a.equals("request")) {
                only = CapturedError.Direction.REQUEST;
            } else if (a.equals("response")) {
                only = CapturedError.Direction.RESPONSE;
            } else if (proxy == null && !a.equals("-1")) {
                proxy = a;
            } else {
                return "Usage: show errors [<proxy>] [request|response]\n";
            }
        }
        if (proxy != null && !known(ferry, proxy)) {
            return "No such proxy.\n";
        }
        StringBuilder b = new StringBuilder();
        b.append("Total events captured on [").append(DATE.format(Instant.now())).append("] : ")
                .append(ferry.errors().total()).append('\n');
        for (CapturedError e : ferry.errors().all()) {
            if ((proxy == null || proxy.equals(e.proxy())) && (only == null || only == e.direction())) {
                capture(b, ferry, e);
            }
        }
        return b.toString();
    }

    private static boolean known(Ferry ferry, String name) {
        return ferry.frontends().stream().anyMatch(f -> f.name().equals(name))
                || ferry.backends().stream().anyMatch(bk -> bk.name().equals(name));
    }

    private static void capture(StringBuilder b, Ferry ferry, CapturedError e) {
        boolean request = e.direction() == CapturedError.Direction.REQUEST;
        b.append('\n').append('[').append(DATE.format(e.when())).append("] ")
                .append(request ? "frontend " : "backend ").append(e.proxy()).append(" (#")
                .append(id(ferry, e.proxy(), request)).append("): invalid ")
                .append(request ? "request" : "response").append('\n');
        b.append("  ").append(request ? "backend <NONE> (#-1), server <NONE> (#-1)"
                        : "server " + (e.server() == null ? "<NONE>" : e.server()))
                .append(", event #").append(e.event()).append(", src ").append(address(e.peer())).append('\n');
        b.append("  buffer starts at ").append(e.streamOffset()).append(" (including 0 out), len ")
                .append(e.bytes().length).append(", error at position ").append(e.position()).append('\n');
        b.append("  status ").append(e.status()).append(", reason: ").append(e.reason()).append("\n\n");
        dump(b, e.bytes());
    }

    private static int id(Ferry ferry, String name, boolean frontend) {
        if (frontend) {
            return ferry.frontends().stream().filter(f -> f.name().equals(name)).mapToInt(Frontend::id).findFirst()
                    .orElse(-1);
        }
        return ferry.backends().stream().filter(bk -> bk.name().equals(name)).mapToInt(Backend::id).findFirst()
                .orElse(-1);
    }

    private static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            return i.getAddress().getHostAddress() + ":" + i.getPort();
        }
        return String.valueOf(a);
    }

    /**
     * The bytes as HAProxy prints them: offset, then the escaped text; a line ends after each LF
     * and when it grows too long, and a continued line's offset is followed by {@code +}.
     */
    static void dump(StringBuilder b, byte[] bytes) {
        int i = 0;
        boolean continued = false;
        while (i < bytes.length) {
            b.append("  ").append(String.format(Locale.ROOT, "%05d", i)).append(continued ? "+ " : "  ");
            int width = 0;
            while (i < bytes.length && width < WIDTH) {
                int c = bytes[i++] & 0xff;
                String s = switch (c) {
                    case '\r' -> "\\r";
                    case '\n' -> "\\n";
                    case '\t' -> "\\t";
                    case '\\' -> "\\\\";
                    default -> c >= 0x20 && c < 0x7f ? String.valueOf((char) c)
                            : String.format(Locale.ROOT, "\\x%02x", c);
                };
                b.append(s);
                width += s.length();
                if (c == '\n') {
                    break;
                }
            }
            b.append('\n');
            continued = true;
        }
    }
}
