package io.ferry.proxy;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;

/**
 * A service that answers HTTP requests inside Ferry ({@code http-request use-service NAME}), such
 * as the Prometheus exporter. Registered by a {@link FerryService} with {@link
 * Ferry#registerHttpService}; called on the stream's event loop, so it must not block.
 */
public interface HttpService {

    /**
     * The response to {@code request}; Ferry sets its {@code Connection} header.
     *
     * @param request the request head (its body, if any, is not given to the service)
     */
    FullHttpResponse answer(HttpRequest request);

    /** The pseudo-server name the access log shows for the service, as HAProxy's {@code <PROMEX>}. */
    String logName();
}
