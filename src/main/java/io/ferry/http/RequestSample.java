package io.ferry.http;

import io.ferry.balance.BalanceKey;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.ferry.net.ConnectionEnds;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * What ACLs and hash-based balancing read from a request: its head and the addresses of its
 * connection. Parts of the URI are computed when first asked for.
 */
public final class RequestSample implements BalanceKey {

    private final HttpRequest request;
    private final InetSocketAddress source;
    private final InetSocketAddress destination;
    /** The listener's id when the request came over a unix socket (source and destination are null), else 0. */
    private final int unixListener;
    /** The headers {@code hdr()} reads: the request's, or a response's in response rules. */
    private final HttpHeaders headers;
    private String path;
    private String query;

    public RequestSample(HttpRequest request, InetSocketAddress source, InetSocketAddress destination) {
        this(request, new ConnectionEnds(source, destination, 0));
    }

    /** A request that came over a connection with these ends, a TCP connection's or a unix socket's. */
    public RequestSample(HttpRequest request, ConnectionEnds ends) {
        this.request = request;
        this.source = ends.source();
        this.destination = ends.destination();
        this.unixListener = ends.unixListener();
        this.headers = request.headers();
    }

    private RequestSample(RequestSample s, HttpHeaders headers) {
        this.request = s.request;
        this.source = s.source;
        this.destination = s.destination;
        this.unixListener = s.unixListener;
        this.headers = headers;
    }

    /** The same request, whose header fetches read {@code headers} (a response's, for response rules). */
    public RequestSample withHeaders(HttpHeaders headers) {
        return new RequestSample(this, headers);
    }

    /** The request's URI was rewritten: parts computed from it are computed again. */
    public void uriChanged() {
        path = null;
        query = null;
    }

    public HttpRequest request() {
        return request;
    }

    /** The client's address; null when the request came over a unix socket. */
    public InetSocketAddress sourceAddress() {
        return source;
    }

    /** The client's IP address; null on a unix socket. */
    @Override
    public java.net.InetAddress source() {
        return source == null ? null : source.getAddress();
    }

    /** The listener's id when the request came over a unix socket, else 0. */
    public int unixListener() {
        return unixListener;
    }

    @Override
    public String uri(boolean whole, boolean pathOnly) {
        if (pathOnly) {
            return whole && query() != null ? path() + "?" + query() : path();
        }
        if (whole) {
            return url();
        }
        int q = url().indexOf('?');
        return q < 0 ? url() : url().substring(0, q);
    }

    @Override
    public String header(String name) {
        return headers.get(name);
    }

    /** The address the client connected to; null on a unix socket. */
    public InetSocketAddress destination() {
        return destination;
    }

    public String method() {
        return request.method().name();
    }

    /** {@code 1.0} or {@code 1.1}. */
    public String version() {
        HttpVersion v = request.protocolVersion();
        return v.majorVersion() + "." + v.minorVersion();
    }

    /** The URI as received. */
    public String url() {
        return request.uri();
    }

    /** The path: the URI without scheme and authority (absolute form) and without the query. */
    public String path() {
        if (path == null) {
            String u = request.uri();
            int start = 0;
            int scheme = u.indexOf("://");
            if (scheme > 0 && u.indexOf('/') > scheme) {
                int slash = u.indexOf('/', scheme + 3);
                start = slash < 0 ? u.length() : slash;
            }
            int q = u.indexOf('?', start);
            path = q < 0 ? u.substring(start) : u.substring(start, q);
            query = q < 0 ? null : u.substring(q + 1);
        }
        return path;
    }

    /** The query string without {@code ?}, or null when there is none. */
    public String query() {
        path();
        return query;
    }

    /** {@code base}: the Host header followed by the path. */
    public String base() {
        String host = request.headers().get("host");
        return host == null ? path() : host + path();
    }

    /** The first value of URL parameter {@code name}, or null. */
    @Override
    public String urlParam(String name) {
        String q = query();
        if (q == null) {
            return null;
        }
        for (String pair : q.split("[&;]")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            if (k.equals(name)) {
                return eq < 0 ? "" : pair.substring(eq + 1);
            }
        }
        return null;
    }

    /**
     * The values of header {@code name}, each comma-separated element on its own, as HAProxy's
     * {@code hdr()} returns them; all headers when {@code name} is empty.
     */
    public List<String> headerValues(String name) {
        List<String> out = new ArrayList<>();
        List<String> raw = name.isEmpty() ? allValues() : headers.getAll(name);
        for (String v : raw) {
            for (String part : v.split(",")) {
                out.add(part.strip());
            }
        }
        return out;
    }

    private List<String> allValues() {
        List<String> all = new ArrayList<>();
        headers.forEach(e -> all.add(e.getValue()));
        return all;
    }
}
