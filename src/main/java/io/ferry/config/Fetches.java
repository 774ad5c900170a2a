package io.ferry.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The ACL criteria Ferry evaluates: sample fetches and their suffixed forms ({@code hdr_beg} is
 * {@code hdr} with {@code -m beg}).
 */
final class Fetches {

    /** How a criterion takes its argument in parentheses. */
    enum Arg { NONE, OPTIONAL, REQUIRED }

    /** A criterion: the fetch it reads, its argument rule, its type and its default match method. */
    record Criterion(String fetch, Arg arg, Acl.Type type, Acl.Match match) {
    }

    private static final Map<String, Criterion> CRITERIA = new LinkedHashMap<>();

    private static final String[][] SUFFIXES = {
        {"", null}, {"_beg", "BEG"}, {"_end", "END"}, {"_sub", "SUB"}, {"_reg", "REG"}, {"_dom", "DOM"},
        {"_dir", "DIR"}, {"_len", "LEN"},
    };

    static {
        stringFamily("hdr", "hdr", Arg.REQUIRED);
        stringFamily("req.hdr", "hdr", Arg.REQUIRED);
        put("hdr_cnt", "hdr_cnt", Arg.OPTIONAL, Acl.Type.INTEGER, Acl.Match.INT);
        put("req.hdr_cnt", "hdr_cnt", Arg.OPTIONAL, Acl.Type.INTEGER, Acl.Match.INT);
        put("hdr_found", "hdr", Arg.REQUIRED, Acl.Type.STRING, Acl.Match.FOUND);
        stringFamily("path", "path", Arg.NONE);
        stringFamily("url", "url", Arg.NONE);
        stringFamily("base", "base", Arg.NONE);
        stringFamily("url_param", "url_param", Arg.REQUIRED);
        stringFamily("urlp", "url_param", Arg.REQUIRED);
        stringFamily("query", "query", Arg.NONE);
        put("method", "method", Arg.NONE, Acl.Type.STRING, Acl.Match.STR);
        put("req.ver", "req.ver", Arg.NONE, Acl.Type.STRING, Acl.Match.STR);
        put("req_ver", "req.ver", Arg.NONE, Acl.Type.STRING, Acl.Match.STR);
        put("req.proto_http", "req.proto_http", Arg.NONE, Acl.Type.BOOLEAN, Acl.Match.BOOL);
        put("src", "src", Arg.NONE, Acl.Type.IP, Acl.Match.IP);
        put("src_port", "src_port", Arg.NONE, Acl.Type.INTEGER, Acl.Match.INT);
        put("dst", "dst", Arg.NONE, Acl.Type.IP, Acl.Match.IP);
        put("dst_port", "dst_port", Arg.NONE, Acl.Type.INTEGER, Acl.Match.INT);
        put("always_true", "always_true", Arg.NONE, Acl.Type.BOOLEAN, Acl.Match.BOOL);
        put("always_false", "always_false", Arg.NONE, Acl.Type.BOOLEAN, Acl.Match.BOOL);
    }

    private Fetches() {
    }

    private static void stringFamily(String name, String fetch, Arg arg) {
        for (String[] s : SUFFIXES) {
            put(name + s[0], fetch, arg, Acl.Type.STRING, s[1] == null ? Acl.Match.STR : Acl.Match.valueOf(s[1]));
        }
    }

    private static void put(String name, String fetch, Arg arg, Acl.Type type, Acl.Match match) {
        CRITERIA.put(name, new Criterion(fetch, arg, type, match));
    }

    static Criterion find(String name) {
        return CRITERIA.get(name);
    }

    static Set<String> names() {
        return Collections.unmodifiableSet(CRITERIA.keySet());
    }
}
