package io.ferry.proxy;

import io.ferry.config.ForwardFor;
import io.ferry.config.Proxy;
import io.ferry.http.ErrorPages;
import io.ferry.http.ForwardedFor;
import io.ferry.http.HttpRules;
import io.ferry.http.RequestSample;
import io.netty.handler.codec.http.HttpResponse;

/**
 * What one proxy does to the HTTP messages passing through it: its {@code http-request} and
 * {@code http-response} rules, its {@code option forwardfor} and its {@code errorfile}s, built once
 * from the model; and the order in which a stream applies those of its frontend and its backend,
 * which is HAProxy's: frontend request rules, routing, backend request rules, then
 * {@code X-Forwarded-For}; backend response rules before the frontend's. A {@code listen} section
 * is both and runs its rules once.
 */
final class ProxyRules {

    final HttpRules request;
    final HttpRules response;
    final ErrorPages errorPages;
    final ForwardFor forwardFor;

    private ProxyRules(Proxy model) {
        request = HttpRules.compile(model.httpRequestRules());
        response = HttpRules.compile(model.httpResponseRules());
        errorPages = ErrorPages.of(model.errorFiles());
        forwardFor = model.forwardFor();
    }

    static ProxyRules of(Proxy model) {
        return new ProxyRules(model);
    }

    /** The frontend's request rules, before routing; null when the request goes on. */
    static HttpRules.Verdict beforeRouting(Frontend fe, RequestSample sample) {
        return fe.rules.request.request(sample, fe.name(), fe.name());
    }

    /** The backend's request rules, then {@code option forwardfor}; null when the request goes on. */
    static HttpRules.Verdict afterRouting(Frontend fe, Backend be, RequestSample sample) {
        if (!sameProxy(fe, be)) {
            HttpRules.Verdict v = be.rules.request.request(sample, fe.name(), be.name());
            if (v != null) {
                return v;
            }
        }
        ForwardedFor.apply(sample.request(), sample.source(), fe.rules.forwardFor,
                !sameProxy(fe, be) ? be.rules.forwardFor : null);
        return null;
    }

    /** The backend's response rules, then the frontend's; null when the response goes on. */
    static HttpRules.Verdict response(Frontend fe, Backend be, RequestSample sample, HttpResponse r) {
        HttpRules.Verdict v = be.rules.response.response(sample, r, fe.name(), be.name());
        if (v != null || sameProxy(fe, be)) {
            return v;
        }
        return fe.rules.response.response(sample, r, fe.name(), be.name());
    }

    /** Whether they are the two faces of one {@code listen} section. */
    private static boolean sameProxy(Frontend fe, Backend be) {
        return fe.model == be.model || (fe.model.kind().isBackend() && fe.name().equals(be.name()));
    }

    /** The page for an error: the backend's {@code errorfile} once routed, else the frontend's, else the built-in one. */
    static ErrorPages.Page errorPage(int status, Frontend fe, Backend be) {
        return ErrorPages.find(status, be == null ? null : be.rules.errorPages, fe.rules.errorPages);
    }
}
