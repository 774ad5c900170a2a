package io.ferry.proxy;

import io.ferry.config.Proxy;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The stats page that {@code stats enable} (and the other {@code stats} keywords of a proxy) turn
 * on: a request whose URI starts with the proxy's {@code stats uri} is answered by it instead of a
 * server. Registered by a {@link FerryService} with {@link Ferry#registerStatsPage}; called on the
 * stream's event loop, so it must not block.
 */
public interface StatsPage {

    /** The pseudo-server name the access log shows for the page, as HAProxy's. */
    String LOG_NAME = "<STATS>";

    /**
     * The answer to one request for the page; Ferry sets its {@code Connection} header.
     *
     * @param request the request head
     * @param body the request body (an admin form), empty for none, null when it was longer than Ferry reads
     * @param proxy the proxy whose {@code stats} settings matched the request
     * @param admin whether the proxy's {@code stats admin} condition holds for this request
     */
    FullHttpResponse answer(HttpRequest request, String body, Proxy proxy, boolean admin);

    /**
     * Whether {@code uri}, a request target, asks for the page of a proxy whose {@code stats uri} is
     * {@code prefix}: HAProxy compares the start of the path and query (an absolute URI's scheme and
     * authority are skipped).
     */
    static boolean matches(String prefix, String uri) {
        String target = uri;
        if (!target.startsWith("/")) {
            int scheme = target.indexOf("://");
            if (scheme < 0) {
                return false;
            }
            int path = target.indexOf('/', scheme + 3);
            target = path < 0 ? "/" : target.substring(path);
        }
        return target.startsWith(prefix);
    }
}
