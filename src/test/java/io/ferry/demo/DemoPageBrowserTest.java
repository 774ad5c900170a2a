package io.ferry.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ferry.testing.HeadlessChromium;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo page in a real browser, served by the demo's site and talking to its chat directly
 * ({@code ?ws=}): the chat works, and the silent-clients button moves the application's counts.
 * Skipped where there is no Chromium; CI installs it.
 */
class DemoPageBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Long enough for Chromium, which opens WebSockets a few at a time, to open all the silent clients. */
    private static final Duration HOLD = Duration.ofSeconds(15);
    private static final int SILENT = 10;

    private DemoOrigins origins;
    private HeadlessChromium chromium;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(HeadlessChromium.executable().isPresent(), "no Chromium on this machine (CI installs it)");
        origins = DemoOrigins.start(HOLD);
        chromium = HeadlessChromium.start();
    }

    @AfterEach
    void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (origins != null) {
            origins.close();
        }
    }

    private HeadlessChromium.Page openDemoPage() {
        String ws = "ws://127.0.0.1:" + origins.chat().address().getPort() + ChatServer.PATH;
        HeadlessChromium.Page page = chromium.open("http://127.0.0.1:" + origins.site().address().getPort()
                + "/?silent=" + SILENT + "&ws=" + URLEncoder.encode(ws, StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> "open".equals(page.text("ws-state")));
        await().atMost(WAIT).until(() -> "1".equals(page.text("app-chat-clients")));
        return page;
    }

    @Test
    void aMessageSentFromThePageComesBackThroughTheChat() {
        HeadlessChromium.Page page = openDemoPage();

        page.evaluate("document.getElementById('text').value = 'hello from Chromium <b>'");
        page.evaluate("document.querySelector('#send button').click()");

        await().atMost(WAIT).until(() -> String.valueOf(page.text("messages")).contains("hello from Chromium <b>"));
        assertThat(page.evaluate("document.querySelectorAll('#messages b').length")).isEqualTo(0.0);
        assertThat(origins.chat().counts().messages()).isEqualTo(1);
        // The counts follow the message (they are pushed at most every 100 ms).
        await().atMost(WAIT).until(() -> "1".equals(page.text("app-messages")));
    }

    @Test
    void silentClientsRiseAreDroppedAndTheApplicationFinallyClosesThem() {
        HeadlessChromium.Page page = openDemoPage();
        String n = Integer.toString(SILENT);
        assertThat(page.text("open-silent")).isEqualTo("Open " + n + " silent clients");

        page.click("open-silent");

        // The page opens the silent clients and the application, which never answers them, counts them.
        await().atMost(WAIT).until(() -> n.equals(page.text("app-silent-held")));
        assertThat(origins.chat().counts().silentHeld()).isEqualTo(SILENT);
        // Three seconds after they have all opened the page drops them; the application sees only FINs.
        await().atMost(WAIT).until(() -> n.equals(page.text("page-silent-dropped")));
        assertThat(page.text("page-silent-open")).isEqualTo("0");
        await().atMost(WAIT).until(() -> n.equals(page.text("app-silent-peer-gone")));
        // At the end of its hold the application closes them.
        await().atMost(WAIT).until(() -> n.equals(page.text("app-silent-closed")));
        assertThat(page.text("app-silent-held")).isEqualTo("0");
        assertThat(page.text("app-silent-peer-gone")).isEqualTo("0");
        assertThat(page.text("app-chat-clients")).isEqualTo("1");
        assertThat(origins.chat().counts()).isEqualTo(new ChatServer.Counts(1, 0, 0, SILENT, 0));
    }
}
