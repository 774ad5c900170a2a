package io.ferry.http;

import io.ferry.config.ForwardFor;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.NetUtil;
import java.net.InetAddress;

/**
 * {@code option forwardfor}, applied as HAProxy 2.6 does once all {@code http-request} rules have
 * run: when the frontend or the backend has it, one header line {@code X-Forwarded-For: CLIENT-IP}
 * is appended (existing lines are kept, not merged); the backend's header name wins over the
 * frontend's; a client in either one's {@code except} network gets none; with {@code if-none} (on
 * every side that sets the option) nothing is added when the request already has the header.
 */
public final class ForwardedFor {

    private ForwardedFor() {
    }

    /** Adds the header to {@code request} from {@code client}; {@code frontend}/{@code backend} may be null. */
    public static void apply(HttpRequest request, InetAddress client, ForwardFor frontend, ForwardFor backend) {
        if (frontend == null && backend == null || client == null) {
            // no header for a client on a unix socket, as in HAProxy
            return;
        }
        String header = backend != null ? backend.header() : frontend.header();
        boolean always = (frontend != null && !frontend.ifNone()) || (backend != null && !backend.ifNone());
        if (!always && request.headers().contains(header)) {
            return;
        }
        if (excepted(frontend, client) || excepted(backend, client)) {
            return;
        }
        request.headers().add(header, NetUtil.toAddressString(client));
    }

    private static boolean excepted(ForwardFor f, InetAddress client) {
        return f != null && f.except() != null && AclMatcher.inNetwork(client, f.except());
    }
}
