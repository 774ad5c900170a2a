package io.ferry.check;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ferry.balance.BackendServer;
import io.ferry.balance.ServerHealthLog;
import io.ferry.proxy.Ferry;
import io.ferry.proxy.FerryTestBase;
import io.ferry.testing.Configs;
import io.ferry.testing.TestOrigin;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.slf4j.LoggerFactory;

/**
 * A test of servers' health on real sockets: origins, a Ferry with a frontend {@code www} in front
 * of backend {@code app}, an HTTP client, and the lines {@link ServerHealthLog} logs.
 */
abstract class HealthTestBase extends FerryTestBase {

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeEach
    void captureLogs() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(ServerHealthLog.class)).addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        ((Logger) LoggerFactory.getLogger(ServerHealthLog.class)).detachAppender(logs);
    }

    /** What {@link ServerHealthLog} logged so far. */
    List<String> lines() {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** An origin on {@code port} (0 for any), closed after the test. */
    TestOrigin origin(String name, int port) {
        TestOrigin o = TestOrigin.start(name, port);
        resources.add(o);
        return o;
    }

    /** A port where nothing listens (refused connections). */
    static int deadPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts a Ferry whose frontend sends everything to backend {@code app}, made of {@code backend}'s lines. */
    Ferry start(String backend) {
        ferry = Ferry.start(Configs.parse(Configs.HTTP_DEFAULTS + """
                frontend www
                    bind 127.0.0.1:0
                    default_backend app
                backend app
                """ + backend));
        return ferry;
    }

    /** Server {@code name} of backend {@code backend} at run time. */
    BackendServer server(String backend, String name) {
        return ferry.servers(backend).stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    /** GET {@code path} through the first frontend. */
    HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ferry.boundAddresses().get(0).getPort()
                + path)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
