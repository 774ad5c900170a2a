package io.ferry.http;

import io.ferry.config.Acl;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Evaluates {@code if}/{@code unless} conditions and ACL definitions against a request, with
 * HAProxy's semantics: an ACL matches when any of its lines matches; a line matches when any
 * fetched value matches any pattern; a missing sample matches nothing (but {@code !} of it does).
 */
public final class AclMatcher {

    private AclMatcher() {
    }

    /** Whether the condition holds; a null condition always does. */
    public static boolean test(Acl.Condition condition, RequestSample sample) {
        if (condition == null) {
            return true;
        }
        boolean any = false;
        for (List<Acl.Term> alternative : condition.alternatives()) {
            if (all(alternative, sample)) {
                any = true;
                break;
            }
        }
        return condition.unless() != any;
    }

    private static boolean all(List<Acl.Term> terms, RequestSample sample) {
        for (Acl.Term t : terms) {
            boolean m = false;
            for (Acl.Definition d : t.definitions()) {
                if (matches(d, sample)) {
                    m = true;
                    break;
                }
            }
            if (m == t.negated()) {
                return false;
            }
        }
        return true;
    }

    /** Whether one ACL line matches. */
    public static boolean matches(Acl.Definition d, RequestSample s) {
        Acl.Fetch f = d.fetch();
        return switch (f.name()) {
            case "always_true", "req.proto_http" -> true;
            case "always_false" -> false;
            // not found on a unix socket: the ACL does not match
            case "src" -> s.source() != null && ip(d, s.source());
            case "dst" -> s.destination() != null && ip(d, s.destination().getAddress());
            case "src_port" -> s.sourceAddress() != null && integer(d, s.sourceAddress().getPort());
            case "dst_port" -> s.destination() != null && integer(d, s.destination().getPort());
            case "hdr_cnt" -> integer(d, s.headerValues(f.argument()).size());
            case "hdr" -> strings(d, s.headerValues(f.argument()));
            case "path" -> strings(d, List.of(s.path()));
            case "url" -> strings(d, List.of(s.url()));
            case "base" -> strings(d, List.of(s.base()));
            case "query" -> strings(d, s.query() == null ? List.of() : List.of(s.query()));
            case "url_param" -> {
                String v = s.urlParam(f.argument());
                yield strings(d, v == null ? List.of() : List.of(v));
            }
            case "method" -> strings(d, List.of(s.method()));
            case "req.ver" -> strings(d, List.of(s.version()));
            default -> throw new IllegalStateException("fetch '" + f.name() + "' cannot be evaluated");
        };
    }

    private static boolean strings(Acl.Definition d, List<String> values) {
        if (d.match() == Acl.Match.FOUND) {
            return !values.isEmpty();
        }
        for (String raw : values) {
            String v = convert(raw, d.fetch().converters());
            if (d.match() == Acl.Match.LEN) {
                if (inRanges(d.ranges(), v.length())) {
                    return true;
                }
                continue;
            }
            if (d.match() == Acl.Match.REG) {
                for (Pattern p : d.regexes()) {
                    if (p.matcher(v).find()) {
                        return true;
                    }
                }
                continue;
            }
            for (String p : d.patterns()) {
                if (string(d.match(), d.ignoreCase(), v, p)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String convert(String v, List<String> converters) {
        for (String c : converters) {
            v = c.equals("lower") ? v.toLowerCase(Locale.ROOT) : v.toUpperCase(Locale.ROOT);
        }
        return v;
    }

    static boolean string(Acl.Match match, boolean ignoreCase, String value, String pattern) {
        String v = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
        String p = ignoreCase ? pattern.toLowerCase(Locale.ROOT) : pattern;
        return switch (match) {
            case STR -> v.equals(p);
            case BEG -> v.startsWith(p);
            case END -> v.endsWith(p);
            case SUB -> v.contains(p);
            case DOM -> delimited(v, p, "/?.:");
            case DIR -> delimited(v, p, "/?");
            default -> throw new IllegalStateException("match " + match + " on text");
        };
    }

    /** HAProxy's {@code dom}/{@code dir}: the pattern appears delimited by the given characters or the ends. */
    private static boolean delimited(String value, String pattern, String delimiters) {
        if (pattern.isEmpty()) {
            return false;
        }
        int from = 0;
        while (true) {
            int i = value.indexOf(pattern, from);
            if (i < 0) {
                return false;
            }
            int end = i + pattern.length();
            boolean left = i == 0 || delimiters.indexOf(value.charAt(i - 1)) >= 0;
            boolean right = end == value.length() || delimiters.indexOf(value.charAt(end)) >= 0;
            if (left && right) {
                return true;
            }
            from = i + 1;
        }
    }

    private static boolean integer(Acl.Definition d, long v) {
        if (d.match() == Acl.Match.FOUND) {
            return true;
        }
        return inRanges(d.ranges(), v);
    }

    private static boolean inRanges(List<Acl.IntRange> ranges, long v) {
        for (Acl.IntRange r : ranges) {
            if (v >= r.min() && v <= r.max()) {
                return true;
            }
        }
        return false;
    }

    private static boolean ip(Acl.Definition d, InetAddress address) {
        if (d.match() == Acl.Match.FOUND) {
            return true;
        }
        for (Acl.Network n : d.networks()) {
            if (inNetwork(address, n)) {
                return true;
            }
        }
        return false;
    }

    static boolean inNetwork(InetAddress address, Acl.Network n) {
        byte[] a = mapped(address.getAddress(), n.address().getAddress().length);
        byte[] b = n.address().getAddress();
        if (a == null) {
            return false;
        }
        int bits = n.prefixLength();
        for (int i = 0; i < b.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
            if ((a[i] & mask) != (b[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** An address in the family of the network: IPv4-mapped IPv6 addresses compare as IPv4. */
    private static byte[] mapped(byte[] a, int length) {
        if (a.length == length) {
            return a;
        }
        if (a.length == 16 && length == 4) {
            for (int i = 0; i < 10; i++) {
                if (a[i] != 0) {
                    return null;
                }
            }
            if (a[10] != (byte) 0xff || a[11] != (byte) 0xff) {
                return null;
            }
            return new byte[] {a[12], a[13], a[14], a[15]};
        }
        if (a.length == 4 && length == 16) {
            byte[] m = new byte[16];
            m[10] = (byte) 0xff;
            m[11] = (byte) 0xff;
            System.arraycopy(a, 0, m, 12, 4);
            return m;
        }
        return null;
    }
}
