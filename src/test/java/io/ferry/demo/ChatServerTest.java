package io.ferry.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.testing.KernelSockets;
import io.ferry.testing.TextMessages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChatServerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final DemoOrigins origins = DemoOrigins.start(Duration.ofSeconds(3));
    private final HttpClient client = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        origins.close();
    }

    /** A client's messages but the counts updates. */
    private static TextMessages messages() {
        return new TextMessages(m -> m.startsWith("{\"type\":\"counts\""));
    }

    private WebSocket connect(String query, WebSocket.Listener listener) {
        URI uri = URI.create("ws://127.0.0.1:" + origins.chat().address().getPort() + ChatServer.PATH + query);
        return client.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(uri, listener).join();
    }

    @Test
    void everyClientSeesEveryMessageTheSenderIncluded() throws Exception {
        TextMessages alice = messages();
        TextMessages bob = messages();
        WebSocket a = connect("", alice);
        assertThat(alice.next(WAIT)).matches("\\{\"type\":\"hello\",\"id\":\\d+}");
        WebSocket b = connect("", bob);
        assertThat(bob.next(WAIT)).matches("\\{\"type\":\"hello\",\"id\":\\d+}");

        a.sendText("hello \"bob\"\n", true).join();

        String echoed = alice.next(WAIT);
        assertThat(echoed).matches("\\{\"type\":\"chat\",\"from\":\\d+,\"text\":\"hello \\\\\"bob\\\\\"\\\\n\"}");
        assertThat(bob.next(WAIT)).isEqualTo(echoed);
        assertThat(origins.chat().counts().messages()).isEqualTo(1);
        assertThat(origins.chat().counts().chatClients()).isEqualTo(2);

        b.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        await().atMost(WAIT).until(() -> origins.chat().counts().chatClients() == 1);
        a.abort();
    }

    @Test
    void countsArePushedToChatClients() throws Exception {
        TextMessages counts = new TextMessages(m -> !m.startsWith("{\"type\":\"counts\""));
        connect("", counts);

        assertThat(counts.next(WAIT)).isEqualTo("{\"type\":\"counts\",\"chatClients\":1,\"silentHeld\":0,\"silentPeerGone\":0,"
                + "\"silentClosed\":0,\"messages\":0}");
    }

    @Test
    void otherRequestsAre404() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + origins.chat().address().getPort() + "/")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("connect to /ws");
    }

    /**
     * A silent connection: the application answers nothing after the handshake and ignores the
     * client's going away, so the kernel shows its socket in CLOSE_WAIT until its hold ends.
     */
    @Test
    void silentConnectionsStayHalfClosedUntilTheApplicationsHoldEnds() throws Exception {
        int port = origins.chat().address().getPort();
        TextMessages l = new TextMessages(m -> false);
        WebSocket silent = connect("?silent", l);
        await().atMost(WAIT).until(() -> origins.chat().counts().silentHeld() == 1);

        silent.sendText("anyone there?", true).join();
        silent.sendClose(WebSocket.NORMAL_CLOSURE, "leaving").join();
        silent.abort();

        await().atMost(WAIT).until(() -> origins.chat().counts().silentPeerGone() == 1);
        assertThat(l.isEmpty()).isTrue();
        assertThat(origins.chat().counts().chatClients()).isZero();
        List<KernelSockets.Entry> app = KernelSockets.all().stream().filter(e -> e.localPort() == port
                && !e.state().equals("LISTEN")).toList();
        assertThat(app).extracting(KernelSockets.Entry::state).containsExactly("CLOSE_WAIT");

        // The hold is 3 s here: the application then closes its side.
        await().atMost(WAIT).until(() -> origins.chat().counts().silentClosed() == 1);
        assertThat(origins.chat().counts()).isEqualTo(new ChatServer.Counts(0, 0, 0, 1, 0));
        await().atMost(WAIT).until(() -> KernelSockets.all().stream().noneMatch(e -> e.localPort() == port
                && e.state().equals("CLOSE_WAIT")));
    }
}
