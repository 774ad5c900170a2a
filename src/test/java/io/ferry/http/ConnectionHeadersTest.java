package io.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/** The Connection header read in place: what a message asks of its connection, and what is hop-by-hop. */
class ConnectionHeadersTest {

    private static HttpRequest request(HttpVersion version, String... fields) {
        HttpRequest r = new DefaultHttpRequest(version, HttpMethod.GET, "/");
        for (int i = 0; i < fields.length; i += 2) {
            r.headers().add(fields[i], fields[i + 1]);
        }
        return r;
    }

    @Test
    void namesAreReadCaseInsensitivelyBetweenCommasAndSpaces() {
        assertThat(ConnectionHeaders.tokens(request(HttpVersion.HTTP_1_1).headers())).isZero();
        assertThat(ConnectionHeaders.tokens(request(HttpVersion.HTTP_1_1, "Connection", "Close").headers()))
                .isEqualTo(ConnectionHeaders.CLOSE);
        assertThat(ConnectionHeaders.tokens(request(HttpVersion.HTTP_1_1, "Connection", "Keep-Alive \t,, Upgrade")
                .headers())).isEqualTo(ConnectionHeaders.KEEP_ALIVE | ConnectionHeaders.UPGRADE);
        assertThat(ConnectionHeaders.tokens(request(HttpVersion.HTTP_1_1, "Connection", "keep-alive",
                "connection", "x-trace, close").headers()))
                .isEqualTo(ConnectionHeaders.KEEP_ALIVE | ConnectionHeaders.OTHER | ConnectionHeaders.CLOSE);
        // a name that only starts like an option is another name
        assertThat(ConnectionHeaders.tokens(request(HttpVersion.HTTP_1_1, "Connection", "closed, keep-alive2").headers()))
                .isEqualTo(ConnectionHeaders.OTHER);
    }

    @Test
    void keepAliveIsHttp11sDefaultAndHttp10sOption() {
        assertThat(ConnectionHeaders.wantsKeepAlive(request(HttpVersion.HTTP_1_1))).isTrue();
        assertThat(ConnectionHeaders.wantsKeepAlive(request(HttpVersion.HTTP_1_1, "Connection", "x, CLOSE"))).isFalse();
        assertThat(ConnectionHeaders.wantsKeepAlive(request(HttpVersion.HTTP_1_0))).isFalse();
        assertThat(ConnectionHeaders.wantsKeepAlive(request(HttpVersion.HTTP_1_0, "Connection", "Keep-Alive"))).isTrue();
        assertThat(ConnectionHeaders.wantsKeepAlive(request(HttpVersion.HTTP_1_0, "Connection", "keep-alive",
                "Connection", "close"))).isFalse();
    }

    @Test
    void theHeadersConnectionNamesGoButFramingStays() {
        HttpRequest r = request(HttpVersion.HTTP_1_1, "Connection", "X-Trace , close", "Connection", "content-length",
                "X-Trace", "1", "Content-Length", "0", "Keep-Alive", "timeout=5", "Proxy-Connection", "keep-alive",
                "Upgrade", "h2c", "Host", "a");
        ConnectionHeaders.stripHopByHop(r.headers());
        assertThat(r.headers().names()).containsExactlyInAnyOrder("Content-Length", "Host");
    }

    @Test
    void aRequestUpgradesOnlyWhenConnectionNamesUpgrade() {
        assertThat(ConnectionHeaders.requestsUpgrade(request(HttpVersion.HTTP_1_1, "Upgrade", "websocket",
                "Connection", "keep-alive, Upgrade"))).isTrue();
        assertThat(ConnectionHeaders.requestsUpgrade(request(HttpVersion.HTTP_1_1, "Upgrade", "websocket"))).isFalse();
        assertThat(ConnectionHeaders.requestsUpgrade(request(HttpVersion.HTTP_1_0, "Upgrade", "websocket",
                "Connection", "upgrade"))).isFalse();
    }

    @Test
    void theResponseSaysWhatTheProxyDoesWithTheClientConnection() {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        r.headers().add("Connection", "keep-alive");
        ConnectionHeaders.forClient(r, request(HttpVersion.HTTP_1_1), false);
        HttpHeaders h = r.headers();
        assertThat(h.getAll("connection")).containsExactly("close");
        HttpResponse ten = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        ten.headers().add("Connection", "close");
        ConnectionHeaders.forClient(ten, request(HttpVersion.HTTP_1_0, "Connection", "keep-alive"), true);
        assertThat(ten.headers().getAll("connection")).containsExactly("keep-alive");
    }
}
