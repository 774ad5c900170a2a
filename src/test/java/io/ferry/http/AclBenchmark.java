package io.ferry.http;

import io.ferry.config.Proxy;
import io.ferry.testing.Configs;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * ACL evaluation: a frontend's {@code use_backend} rules (paths, headers, source networks, an
 * anonymous ACL) tried in order for one request, as routing does for each request. Run by
 * {@code bench/jmh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AclBenchmark {

    private static final String CONFIG = Configs.HTTP_DEFAULTS + """
            frontend fe
                bind 127.0.0.1:0
                acl is_ws hdr(upgrade) -i websocket
                acl is_api path_beg /api/ /v1/ /v2/
                acl host_www hdr(host) -i www.example.com example.com
                acl is_static path_end .js .css .png .svg .woff2
                acl office src 10.0.0.0/8 192.168.0.0/16
                use_backend ws if is_ws
                use_backend api if is_api host_www
                use_backend static if is_static
                use_backend admin if office { path_beg /admin }
                default_backend site
            backend ws
                server s 127.0.0.1:1
            backend api
                server s 127.0.0.1:1
            backend static
                server s 127.0.0.1:1
            backend admin
                server s 127.0.0.1:1
            backend site
                server s 127.0.0.1:1
            """;

    /** Which rule the request meets: the first, the third, or none (every rule is tried). */
    @Param({"websocket", "static", "none"})
    public String request;

    private List<Proxy.UseBackend> rules;
    private RequestSample sample;

    @Setup(Level.Trial)
    public void setUp() {
        rules = Configs.parse(CONFIG).frontend("fe").orElseThrow().useBackends();
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, switch (request) {
            case "static" -> "/assets/app.js";
            default -> "/index.html?lang=en";
        });
        r.headers().set("Host", "www.example.com").set("User-Agent", "bench");
        if (request.equals("websocket")) {
            r.headers().set("Upgrade", "websocket").set("Connection", "Upgrade");
        }
        sample = new RequestSample(r, new InetSocketAddress("203.0.113.7", 50000),
                new InetSocketAddress("127.0.0.1", 80));
    }

    @Benchmark
    public String route() {
        for (Proxy.UseBackend u : rules) {
            if (AclMatcher.test(u.condition(), sample)) {
                return u.backend();
            }
        }
        return "site";
    }
}
