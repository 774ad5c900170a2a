package io.ferry.admin;

import io.ferry.config.Proxy;
import io.ferry.proxy.Ferry;
import io.ferry.proxy.FerryService;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Registers the stats page that {@code stats enable} turns on, and, when a proxy has it, samples
 * the connection states of every frontend and backend once a second for its chart (the last five
 * minutes are kept). A reload starts a new history, as HAProxy's counters start again.
 */
public final class StatsPageService implements FerryService {

    /** Milliseconds between two samples of the chart. */
    static final long INTERVAL_MS = 1000;
    /** Samples kept: five minutes. */
    static final int SAMPLES = 300;

    @Override
    public Running start(Ferry ferry, EventLoopGroup loops) {
        if (ferry.config().proxies().stream().noneMatch(Proxy::servesStatsPage)) {
            return () -> { };
        }
        StateHistory history = new StateHistory(ferry, SAMPLES);
        history.sample(System.currentTimeMillis());
        ferry.registerStatsPage(new StatsPageRenderer(ferry, history));
        ScheduledFuture<?> sampler = loops.next().scheduleAtFixedRate(
                () -> history.sample(System.currentTimeMillis()), INTERVAL_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
        return () -> sampler.cancel(false);
    }
}
