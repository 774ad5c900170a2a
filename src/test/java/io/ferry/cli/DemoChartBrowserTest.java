package io.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ferry.demo.DemoOrigins;
import io.ferry.proxy.Ferry;
import io.ferry.testing.Configs;
import io.ferry.testing.HeadlessChromium;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo through Ferry in a real browser: the page embeds Ferry's live chart of connections by
 * state, and when the silent clients open and are dropped, the chat backend's chart rises (tunnels,
 * then half-closed towards the server) and falls when {@code timeout server-fin} ends them. The
 * stats page itself draws the same charts. Skipped where there is no Chromium; CI installs it.
 */
class DemoChartBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int SILENT = 10;
    private static final String CHAT = "figure[data-proxy=\"backend/chat\"]";

    private DemoOrigins origins;
    private Ferry ferry;
    private HeadlessChromium chromium;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(HeadlessChromium.executable().isPresent(), "no Chromium on this machine (CI installs it)");
        // The application holds the silent connections longer than the test: Ferry's deadline ends them.
        origins = DemoOrigins.start(Duration.ofMinutes(5));
        ferry = Ferry.start(Configs.parse(DemoCommand.text("127.0.0.1", 0, origins.site().address().getPort(),
                origins.chat().address().getPort())));
        chromium = HeadlessChromium.start();
    }

    @AfterEach
    void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (ferry != null) {
            ferry.close();
        }
        if (origins != null) {
            origins.close();
        }
    }

    private String base() {
        return "http://127.0.0.1:" + ferry.boundAddresses().get(0).getPort();
    }

    /** A number the chart shows for the chat backend: the newest sample of {@code state}. */
    private static double chat(HeadlessChromium.Page page, String state) {
        Object v = page.evaluate("(function () { const f = document.querySelector('" + CHAT.replace("'", "\\'")
                + "'); return f ? Number(f.getAttribute('data-" + state + "')) : -1; })()");
        return ((Number) v).doubleValue();
    }

    /**
     * The most the chat backend's chart counted in {@code state} over its whole history, read back
     * from the highest point of its line and the chart's scale (the largest count it shows). Unlike
     * the newest sample, it does not miss a state that lasted only a few seconds while the page's
     * polls were late.
     */
    private static long peak(HeadlessChromium.Page page, String state) {
        Object v = page.evaluate("(function () { const f = document.querySelector('" + CHAT.replace("'", "\\'")
                + "'); const p = f && f.querySelector('polyline[data-state=\"" + state + "\"]');"
                + " if (!p || !p.getAttribute('points')) return -1;"
                + " const max = Number(f.querySelector('text.scale').textContent);"
                + " const ys = p.getAttribute('points').trim().split(' ').filter(Boolean).map(function (xy) {"
                + " return Number(xy.split(',')[1]); }); return (149 - Math.min.apply(null, ys)) / 136 * max; })()");
        return Math.round(((Number) v).doubleValue());
    }

    @Test
    void theDemoPagesChartRisesWithTheSilentClientsAndFallsWhenFerryEndsThem() {
        HeadlessChromium.Page page = chromium.open(base() + "/?silent=" + SILENT);
        await().atMost(WAIT).until(() -> "open".equals(page.text("ws-state")));
        await().atMost(WAIT).until(() -> "live".equals(page.evaluate("(function () { const e = "
                + "document.getElementById('ferry-stats'); return e && e.getAttribute('data-ferry-chart-state'); })()")));
        // The page's own chat WebSocket is a tunnel through the chat backend.
        await().atMost(WAIT).until(() -> chat(page, "tunnel") == 1);
        assertThat(page.evaluate("document.querySelectorAll('#ferry-stats figure.ferry-chart').length"))
                .isEqualTo(3.0);
        assertThat(page.evaluate("document.getElementById('ferry-stats-missing').hidden")).isEqualTo(true);
        assertThat(peak(page, "half-closed-server")).isZero();

        page.click("open-silent");

        // Open: tunnels. Dropped by the page: half-closed towards the server, which never answers.
        await().atMost(WAIT).until(() -> peak(page, "tunnel") >= 1 + SILENT);
        await().atMost(WAIT).until(() -> peak(page, "half-closed-server") > 0);
        // timeout server-fin (5 s) ends them: the chart falls back.
        await().atMost(WAIT).until(() -> chat(page, "half-closed-server") == 0 && chat(page, "tunnel") == 1);
        assertThat(peak(page, "half-closed-server")).as("the rise stays in the chart's history").isPositive();
        assertThat(origins.chat().counts().silentPeerGone()).isEqualTo(SILENT);
    }

    @Test
    void theStatsPageDrawsAChartPerFrontendAndBackend() {
        HeadlessChromium.Page page = chromium.open(base() + "/stats");
        await().atMost(WAIT).until(() -> "live".equals(page.evaluate("(function () { const e = "
                + "document.getElementById('ferry-chart'); return e && e.getAttribute('data-ferry-chart-state'); })()")));
        assertThat(page.evaluate("Array.from(document.querySelectorAll('figure.ferry-chart'))"
                + ".map(function (f) { return f.getAttribute('data-proxy'); }).join(' ')"))
                .isEqualTo("frontend/demo backend/site backend/chat");
        assertThat(page.evaluate("document.querySelectorAll('table.proxy').length")).isEqualTo(3.0);
        await().atMost(WAIT).until(() -> ((Number) page.evaluate("Number(document.querySelector("
                + "'figure[data-proxy=\"frontend/demo\"]').getAttribute('data-samples'))")).intValue() >= 2);
    }
}
