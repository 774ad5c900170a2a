package io.ferry.admin;

import io.ferry.proxy.Ferry;
import io.ferry.proxy.FerryService;
import io.netty.channel.EventLoopGroup;

/** Registers the {@code prometheus-exporter} service that {@code http-request use-service} rules select. */
public final class PrometheusService implements FerryService {

    /** The service's name in {@code http-request use-service}. */
    public static final String NAME = "prometheus-exporter";

    @Override
    public Running start(Ferry ferry, EventLoopGroup loops) {
        ferry.registerHttpService(NAME, new PrometheusExporter(ferry));
        return () -> { };
    }
}
