package io.ferry.cli;

import io.ferry.net.Transport;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The names {@code feature(NAME)} is true for in {@code .if} conditions and {@code -cc}, using the
 * names HAProxy prints in its {@code -vv} feature list for the same capabilities.
 */
final class Features {

    private Features() {
    }

    /**
     * Every name {@code -vv} lists, mapped to whether this build has it. HAProxy features Ferry
     * lacks are listed with {@code false} so that {@code .if feature(OPENSSL)} blocks are skipped
     * knowingly.
     */
    static Map<String, Boolean> all() {
        Map<String, Boolean> m = new LinkedHashMap<>();
        m.put("EPOLL", Transport.EPOLL.isAvailable());
        m.put("IO_URING", Transport.IO_URING.isAvailable());
        m.put("LINUX_SPLICE", false);
        m.put("LUA", false);
        m.put("OPENSSL", false);
        m.put("PCRE2", false);
        m.put("PROMEX", false);
        m.put("QUIC", false);
        // Event loops run on several threads (nbthread).
        m.put("THREAD", true);
        return m;
    }

    /** The names that are true, for {@code ConfigLoader.Builder.features}. */
    static Set<String> enabled() {
        Set<String> s = new TreeSet<>();
        all().forEach((name, on) -> {
            if (on) {
                s.add(name);
            }
        });
        return s;
    }
}
