package io.ferry.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A socket address as written in a {@code bind} or {@code server} line.
 *
 * <ul>
 *   <li>{@link Kind#INET}: {@code host:port}, {@code [v6]:port}, {@code *:port}, {@code :port},
 *       optionally prefixed {@code ipv4@} or {@code ipv6@}. {@code host} is resolved when the
 *       configuration is read; an unresolvable name is an error. A wildcard bind has a null
 *       {@code address}. A bind on port 0 listens on a port the system picks (HAProxy refuses
 *       port 0; tests and embedders use it). A server without a port, or with port 0
 *       ({@code port == 0}), connects to the port the client connected to, as in HAProxy.
 *   <li>{@link Kind#UNIX}: {@code unix@/path} or a bare absolute path.
 *   <li>{@link Kind#FD}: {@code fd@N}, a descriptor inherited from the parent process.
 * </ul>
 */
public record Address(Kind kind, String text, InetAddress address, int port, String path, int fd) {

    public enum Kind { INET, UNIX, FD }

    /**
     * The most listening addresses one bind line may expand to (lists and port ranges together),
     * so that a short line cannot ask for millions of sockets.
     */
    public static final int MAX_BIND_ADDRESSES = 1000;

    /** Whether the listener is on all addresses (address unset). */
    public boolean isWildcard() {
        return kind == Kind.INET && address == null;
    }

    @Override
    public String toString() {
        return text;
    }

    /**
     * Parses a bind address list, {@code addr:port[-port][,addr:port...]}, expanding port ranges,
     * at most {@link #MAX_BIND_ADDRESSES} addresses in all.
     */
    public static List<Address> parseBind(String text) {
        if (text.isEmpty()) {
            throw new ConfigProblem("missing address", "write an address such as '*:80', ':8080' or '127.0.0.1:80'");
        }
        List<Address> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            if (part.isEmpty() && !text.replace(",", "").isEmpty()) {
                continue; // HAProxy skips empty items: '*:80,' is '*:80'
            }
            String special = specialPrefix(part);
            if (special != null) {
                if (out.size() >= MAX_BIND_ADDRESSES) {
                    throw new ConfigProblem("the bind line lists more than " + MAX_BIND_ADDRESSES + " addresses",
                            "split it into several bind lines");
                }
                out.add(parseSpecial(part));
                continue;
            }
            HostPort hp = splitHostPort(stripFamily(part), part, true);
            InetAddress addr = hp.host.isEmpty() || hp.host.equals("*") ? null : resolve(hp.host, part);
            int dash = hp.port.indexOf('-');
            int from = port(dash < 0 ? hp.port : hp.port.substring(0, dash), part);
            int to = dash < 0 ? from : port(hp.port.substring(dash + 1), part);
            if (to < from) {
                throw new ConfigProblem("invalid port range '" + hp.port + "' in '" + part + "'",
                        "write the lower port first, e.g. '*:8000-8010'");
            }
            if (to - from + 1 > MAX_BIND_ADDRESSES) {
                throw new ConfigProblem("port range '" + hp.port + "' in '" + part + "' spans more than "
                        + MAX_BIND_ADDRESSES + " ports", "bind fewer ports per line");
            }
            if (out.size() + (to - from + 1) > MAX_BIND_ADDRESSES) {
                throw new ConfigProblem("the bind line lists more than " + MAX_BIND_ADDRESSES + " addresses",
                        "split it into several bind lines");
            }
            for (int p = from; p <= to; p++) {
                String display = dash < 0 ? part : part.substring(0, part.length() - hp.port.length()) + p;
                out.add(new Address(Kind.INET, display, addr, p, null, -1));
            }
        }
        return out;
    }

    /** Parses a server address: {@code host[:port]}, {@code [v6]:port}, {@code unix@/path}, {@code fd@N}. */
    public static Address parseServer(String text) {
        if (text.isEmpty()) {
            throw new ConfigProblem("missing address", "write an address such as '127.0.0.1:8000'");
        }
        if (specialPrefix(text) != null) {
            return parseSpecial(text);
        }
        String body = stripFamily(text);
        HostPort hp = splitHostPort(body, text, false);
        if (hp.host.isEmpty() || hp.host.equals("*")) {
            throw new ConfigProblem("server address '" + text + "' has no host", "write a host, e.g. '127.0.0.1:8000'");
        }
        if (hp.port.startsWith("+") || hp.port.startsWith("-")) {
            throw new ConfigProblem("port offsets such as '" + hp.port + "' are not supported by Ferry",
                    "write an absolute port, e.g. '" + hp.host + ":8000'");
        }
        int port = hp.port.isEmpty() ? 0 : port(hp.port, text);
        return new Address(Kind.INET, text, resolve(hp.host, text), port, null, -1);
    }

    private static String specialPrefix(String part) {
        if (part.startsWith("unix@") || part.startsWith("/")) {
            return "unix";
        }
        if (part.startsWith("fd@")) {
            return "fd";
        }
        int at = part.indexOf('@');
        if (at > 0 && !part.startsWith("ipv4@") && !part.startsWith("ipv6@")) {
            String prefix = part.substring(0, at);
            throw new ConfigProblem("address family '" + prefix + "@' is not supported by Ferry",
                    "use 'ipv4@', 'ipv6@', 'unix@' or 'fd@'");
        }
        return null;
    }

    private static Address parseSpecial(String part) {
        if (part.startsWith("fd@")) {
            String n = part.substring(3);
            if (n.isEmpty() || !n.chars().allMatch(Character::isDigit) || n.length() > 9) {
                throw new ConfigProblem("invalid file descriptor in '" + part + "'"
                        + (n.isEmpty() ? " (is the environment variable set?)" : ""),
                        "write a descriptor number, e.g. 'fd@3' or \"fd@${LISTEN_FD}\"");
            }
            return new Address(Kind.FD, part, null, 0, null, Integer.parseInt(n));
        }
        String path = part.startsWith("unix@") ? part.substring(5) : part;
        if (path.isEmpty()) {
            throw new ConfigProblem("missing socket path in '" + part + "'", "write a path, e.g. 'unix@/run/app.sock'");
        }
        return new Address(Kind.UNIX, part, null, 0, path, -1);
    }

    private static String stripFamily(String part) {
        if (part.startsWith("ipv4@") || part.startsWith("ipv6@")) {
            return part.substring(5);
        }
        return part;
    }

    private record HostPort(String host, String port) {
    }

    private static HostPort splitHostPort(String body, String original, boolean portRequired) {
        String host;
        String port;
        if (body.startsWith("[")) {
            int close = body.indexOf(']');
            if (close < 0) {
                throw new ConfigProblem("missing ']' in address '" + original + "'", "write IPv6 addresses as '[::1]:80'");
            }
            host = body.substring(1, close);
            String rest = body.substring(close + 1);
            if (rest.isEmpty()) {
                port = "";
            } else if (rest.startsWith(":")) {
                port = rest.substring(1);
            } else {
                throw new ConfigProblem("unexpected '" + rest + "' after ']' in address '" + original + "'",
                        "write IPv6 addresses as '[::1]:80'");
            }
        } else {
            int colon = body.lastIndexOf(':');
            if (colon < 0) {
                host = body;
                port = "";
            } else if (body.indexOf(':') != colon) {
                // Several colons: a bare IPv6 address; HAProxy reads the part after the last one as the port.
                host = body.substring(0, colon);
                port = body.substring(colon + 1);
            } else {
                host = body.substring(0, colon);
                port = body.substring(colon + 1);
            }
        }
        if (portRequired && port.isEmpty()) {
            throw new ConfigProblem("missing port in address '" + original + "'", "add a port, e.g. '" + original + ":80'");
        }
        return new HostPort(host, port);
    }

    /** A port number 0..65535; 0 is a system-chosen port for a bind, the client's port for a server. */
    private static int port(String text, String original) {
        if (text.isEmpty() || text.length() > 6 || !text.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(text) > 65535) {
            throw new ConfigProblem("invalid port '" + text + "' in address '" + original + "'",
                    "use a port between 1 and 65535");
        }
        return Integer.parseInt(text);
    }

    private static InetAddress resolve(String host, String original) {
        try {
            InetAddress a = InetAddress.getByName(host);
            if (original.startsWith("ipv6@") && !(a instanceof Inet6Address)) {
                throw new ConfigProblem("'" + host + "' is not an IPv6 address in '" + original + "'",
                        "write an IPv6 address after 'ipv6@'");
            }
            return a;
        } catch (UnknownHostException e) {
            throw new ConfigProblem("could not resolve address '" + host + "' in '" + original + "'",
                    "use an IP address, or a name this machine can resolve");
        }
    }
}
