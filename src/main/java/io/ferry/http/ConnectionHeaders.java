package io.ferry.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * {@code Connection} header semantics on each hop (RFC 9110 §7.6.1): the hop-by-hop headers a
 * message arrived with are removed, and the proxy writes its own {@code Connection} header for the
 * next hop according to whether it keeps that connection alive.
 */
public final class ConnectionHeaders {

    private ConnectionHeaders() {
    }

    // What the Connection header(s) of a message name, as bits (see tokens).
    static final int CLOSE = 1;
    static final int KEEP_ALIVE = 2;
    static final int UPGRADE = 4;
    /** Any other name: a header that is hop-by-hop on this connection. */
    static final int OTHER = 8;

    /**
     * Whether the sender of a message asked to keep its connection: HTTP/1.1 unless it said
     * {@code close}, HTTP/1.0 only when it said {@code keep-alive} (and not {@code close}).
     */
    public static boolean wantsKeepAlive(HttpMessage m) {
        int t = tokens(m.headers());
        return (t & CLOSE) == 0 && (m.protocolVersion().isKeepAliveDefault() || (t & KEEP_ALIVE) != 0);
    }

    /**
     * The connection options the {@code Connection} fields of {@code h} name (RFC 9110 §7.6.1: a
     * comma-separated list, names case-insensitive, spaces and tabs around them), as bits: {@link #CLOSE},
     * {@link #KEEP_ALIVE}, {@link #UPGRADE} and {@link #OTHER}. Read in place: the usual
     * {@code close} or {@code keep-alive} costs no allocation.
     */
    static int tokens(HttpHeaders h) {
        return scan(h, null);
    }

    /**
     * {@link #tokens}, also adding to {@code others}, when given, each other name, in lower case.
     */
    private static int scan(HttpHeaders h, List<String> others) {
        int bits = 0;
        Iterator<? extends CharSequence> it = h.valueCharSequenceIterator(HttpHeaderNames.CONNECTION);
        while (it.hasNext()) {
            CharSequence v = it.next();
            int n = v.length();
            int i = 0;
            while (i < n) {
                int end = i;
                while (end < n && v.charAt(end) != ',') {
                    end++;
                }
                int s = i;
                int e = end;
                while (s < e && isOws(v.charAt(s))) {
                    s++;
                }
                while (e > s && isOws(v.charAt(e - 1))) {
                    e--;
                }
                if (e > s) {
                    int bit = is(v, s, e, "close") ? CLOSE : is(v, s, e, "keep-alive") ? KEEP_ALIVE
                            : is(v, s, e, "upgrade") ? UPGRADE : OTHER;
                    bits |= bit;
                    if (bit == OTHER && others != null) {
                        others.add(v.subSequence(s, e).toString().toLowerCase(Locale.ROOT));
                    }
                }
                i = end + 1;
            }
        }
        return bits;
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    /** Whether {@code v[s, e)} is {@code lower}, ignoring the case of ASCII letters. */
    private static boolean is(CharSequence v, int s, int e, String lower) {
        if (e - s != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            char c = v.charAt(s + i);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Removes {@code Connection}, the headers it names, and the other hop-by-hop headers. */
    public static void stripHopByHop(HttpHeaders h) {
        // Most messages have no Connection header, or one that names no header: then there are no names to collect.
        if (h.contains(HttpHeaderNames.CONNECTION)) {
            if ((tokens(h) & OTHER) != 0) {
                removeNamed(h);
            }
            h.remove(HttpHeaderNames.CONNECTION);
        }
        h.remove(HttpHeaderNames.KEEP_ALIVE);
        h.remove(PROXY_CONNECTION);
        h.remove(HttpHeaderNames.UPGRADE);
    }

    /**
     * Removes the headers that the {@code Connection} fields of {@code h} name, but framing's
     * ({@code Upgrade} is removed with the other hop-by-hop headers).
     */
    private static void removeNamed(HttpHeaders h) {
        List<String> named = new ArrayList<>();
        scan(h, named);
        for (String n : named) {
            if (!n.equals("transfer-encoding") && !n.equals("content-length")) {
                h.remove(n);
            }
        }
    }

    private static final io.netty.util.AsciiString PROXY_CONNECTION = io.netty.util.AsciiString.cached("proxy-connection");

    /**
     * Whether a request asks to switch protocols (RFC 9110 §7.8): an HTTP/1.1 request with an
     * {@code Upgrade} header that its {@code Connection} header names. HTTP/1.0 requests cannot
     * upgrade: their {@code Upgrade} header is ignored.
     */
    public static boolean requestsUpgrade(HttpRequest r) {
        return r.protocolVersion().equals(HttpVersion.HTTP_1_1) && r.headers().contains(HttpHeaderNames.UPGRADE)
                && (tokens(r.headers()) & UPGRADE) != 0;
    }

    /** Whether an upgrade request asks for the WebSocket protocol (RFC 6455 §4.1). */
    public static boolean upgradesToWebSocket(HttpRequest r) {
        for (String v : r.headers().getAll(HttpHeaderNames.UPGRADE)) {
            for (String token : v.split(",")) {
                if (token.strip().equalsIgnoreCase("websocket")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Prepares a request for the server: keep that connection alive or close it after the response.
     * An upgrade request keeps its {@code Upgrade} header, with {@code Connection: upgrade}.
     */
    public static void forServer(HttpRequest r, boolean keepAlive) {
        if (requestsUpgrade(r)) {
            keepUpgrade(r.headers());
            return;
        }
        stripHopByHop(r.headers());
        if (!keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, "close");
        } else if (r.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            r.headers().set(HttpHeaderNames.CONNECTION, "keep-alive");
        }
    }

    /** Prepares a response for the client of {@code request}. */
    public static void forClient(HttpResponse r, HttpRequest request, boolean keepAlive) {
        stripHopByHop(r.headers());
        if (!keepAlive) {
            if (request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
                r.headers().set(HttpHeaderNames.CONNECTION, "close");
            }
        } else if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            r.headers().set(HttpHeaderNames.CONNECTION, "keep-alive");
        }
    }

    /** Prepares a {@code 101 Switching Protocols} response for the client: its {@code Upgrade} stays. */
    public static void forSwitch(HttpResponse r) {
        keepUpgrade(r.headers());
    }

    /** Removes the hop-by-hop headers but {@code Upgrade}, and says {@code Connection: upgrade}. */
    private static void keepUpgrade(HttpHeaders h) {
        List<String> upgrade = h.getAll(HttpHeaderNames.UPGRADE);
        stripHopByHop(h);
        h.set(HttpHeaderNames.UPGRADE, upgrade);
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    }

    /** Whether a response to {@code method} with this status never has a body (HEAD, 1xx, 204, 304). */
    public static boolean bodyless(HttpMethod method, HttpResponse r) {
        int code = r.status().code();
        return HttpMethod.HEAD.equals(method) || code < 200 || code == 204 || code == 304;
    }

    /** Whether a response with a body says where it ends (Content-Length or chunked). */
    public static boolean delimited(HttpResponse r) {
        return HttpUtil.isContentLengthSet(r) || HttpUtil.isTransferEncodingChunked(r);
    }
}
