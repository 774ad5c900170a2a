package io.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.FullHttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpErrorsTest {

    /** HAProxy 2.6's own Content-length for each message. */
    @ParameterizedTest
    @CsvSource({"400,90", "403,93", "408,110", "500,97", "502,107", "503,107", "504,92"})
    void bodiesHaveHaproxysLengths(int status, int length) {
        assertThat(HttpErrors.body(status).getBytes(StandardCharsets.US_ASCII)).hasSize(length);
        FullHttpResponse r = HttpErrors.response(status, false);
        try {
            assertThat(r.headers().getInt("content-length")).isEqualTo(length);
            assertThat(r.content().readableBytes()).isEqualTo(length);
        } finally {
            r.release();
        }
    }

    @Test
    void exactTextOf503() {
        assertThat(HttpErrors.body(503)).isEqualTo("<html><body><h1>503 Service Unavailable</h1>\n"
                + "No server is available to handle this request.\n</body></html>\n");
        FullHttpResponse r = HttpErrors.response(408, true);
        try {
            assertThat(r.status().reasonPhrase()).isEqualTo("Request Time-out");
            assertThat(r.headers().get("connection")).isEqualTo("close");
        } finally {
            r.release();
        }
    }
}
