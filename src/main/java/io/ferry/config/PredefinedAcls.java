package io.ferry.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** HAProxy's predefined ACLs that Ferry supports, each defined as an ordinary ACL line. */
final class PredefinedAcls {

    private static final Map<String, String> DEFINITIONS = new LinkedHashMap<>();

    static {
        DEFINITIONS.put("TRUE", "always_true");
        DEFINITIONS.put("FALSE", "always_false");
        DEFINITIONS.put("HTTP", "req.proto_http");
        DEFINITIONS.put("HTTP_1.0", "req.ver 1.0");
        DEFINITIONS.put("HTTP_1.1", "req.ver 1.1");
        DEFINITIONS.put("HTTP_URL_ABS", "url_reg ^[^/:]*://");
        DEFINITIONS.put("HTTP_URL_SLASH", "url_beg /");
        DEFINITIONS.put("HTTP_URL_STAR", "url *");
        DEFINITIONS.put("LOCALHOST", "src 127.0.0.1/8 ::1");
        for (String m : List.of("CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "TRACE")) {
            DEFINITIONS.put("METH_" + m, "method " + m + (m.equals("GET") ? " HEAD" : ""));
        }
    }

    private static final Map<String, List<Acl.Definition>> PARSED = new LinkedHashMap<>();

    static {
        DEFINITIONS.forEach((name, text) -> PARSED.put(name,
                List.of(AclParser.definition(name, List.of(text.split(" ")), Location.NONE))));
    }

    private PredefinedAcls() {
    }

    static List<Acl.Definition> find(String name) {
        return PARSED.get(name);
    }

    static Set<String> names() {
        return Collections.unmodifiableSet(DEFINITIONS.keySet());
    }
}
