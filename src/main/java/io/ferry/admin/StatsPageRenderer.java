package io.ferry.admin;

import io.ferry.balance.BackendServer;
import io.ferry.balance.ServerState;
import io.ferry.config.Proxy;
import io.ferry.config.StatsSettings;
import io.ferry.proxy.Backend;
import io.ferry.proxy.Ferry;
import io.ferry.proxy.StatsPage;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stats page: HAProxy's {@code stats uri} with its {@code ;csv}, {@code ;json}, {@code ;typed},
 * {@code ;up}, {@code ;no-maint}, {@code ;norefresh} and {@code ;st=} suffixes, Basic
 * authentication ({@code stats auth}, {@code stats realm}), the admin form ({@code stats admin}),
 * and Ferry's own {@code ;states} (the chart's history as JSON) and {@code ;chart} (the chart's
 * script, for pages that embed it).
 */
final class StatsPageRenderer implements StatsPage {

    /** The realm of the Basic authentication when {@code stats realm} is not set. */
    static final String DEFAULT_REALM = "Ferry Statistics";
    /** The chart's script, also inlined into the HTML page. */
    static final String CHART_JS = resource("stats-chart.js");

    private final Ferry ferry;
    private final StateHistory history;

    StatsPageRenderer(Ferry ferry, StateHistory history) {
        this.ferry = ferry;
        this.history = history;
    }

    /** What the request asks for, from the suffixes after the page's URI. */
    record Options(Set<String> words, String status) {

        static Options of(String uri, String prefix) {
            String rest = uri.substring(Math.min(uri.length(), Math.max(0, uri.indexOf(prefix)) + prefix.length()));
            Set<String> words = new LinkedHashSet<>();
            String status = null;
            for (String w : rest.split(";")) {
                if (w.startsWith("st=")) {
                    status = w.substring(3);
                } else if (!w.isEmpty()) {
                    words.add(w);
                }
            }
            return new Options(words, status);
        }

        boolean has(String word) {
            return words.contains(word);
        }
    }

    @Override
    public FullHttpResponse answer(HttpRequest request, String body, Proxy proxy, boolean admin) {
        StatsSettings s = proxy.stats();
        if (!authorized(request, s)) {
            String realm = s.realm().isEmpty() ? DEFAULT_REALM : s.realm();
            FullHttpResponse r = response(request, HttpResponseStatus.UNAUTHORIZED, "text/html",
                    "<html><body><h1>401 Unauthorized</h1>\nYou need a valid user and password to access this content.\n"
                            + "</body></html>\n");
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"" + realm.replace("\"", "'") + "\"");
            return r;
        }
        Options o = Options.of(request.uri(), s.uri());
        if (request.method().equals(HttpMethod.POST)) {
            return adminForm(request, body, s, admin, o);
        }
        if (o.has("states")) {
            return response(request, HttpResponseStatus.OK, "application/json",
                    history.json(StatsPageService.INTERVAL_MS));
        }
        if (o.has("chart")) {
            return response(request, HttpResponseStatus.OK, "application/javascript; charset=utf-8", CHART_JS);
        }
        List<StatTable.Row> rows = filter(StatTable.rows(ferry), o);
        if (o.has("csv")) {
            return response(request, HttpResponseStatus.OK, "text/plain", StatTable.csv(rows));
        }
        if (o.has("json")) {
            return response(request, HttpResponseStatus.OK, "application/json", StatTable.json(rows));
        }
        if (o.has("typed")) {
            return response(request, HttpResponseStatus.OK, "text/plain", StatTable.typed(rows));
        }
        FullHttpResponse r = response(request, HttpResponseStatus.OK, "text/html",
                new StatsHtml(ferry, s, admin, o).render(rows));
        if (s.refreshMs() > 0 && !o.has("norefresh")) {
            r.headers().set("Refresh", Long.toString(Math.max(1, s.refreshMs() / 1000)));
        }
        return r;
    }

    /** {@code ;up} keeps the servers that are up, {@code ;no-maint} drops those in maintenance. */
    private static List<StatTable.Row> filter(List<StatTable.Row> rows, Options o) {
        if (!o.has("up") && !o.has("no-maint")) {
            return rows;
        }
        List<StatTable.Row> out = new ArrayList<>();
        for (StatTable.Row r : rows) {
            String status = r.values()[17];
            boolean keep = r.type() != 'S' || ((!o.has("up") || status.startsWith("UP") || status.equals("no check"))
                    && (!o.has("no-maint") || !status.startsWith("MAINT")));
            if (keep) {
                out.add(r);
            }
        }
        return out;
    }

    /** {@code stats auth}: no account means no authentication; otherwise Basic credentials must match one. */
    private static boolean authorized(HttpRequest request, StatsSettings s) {
        if (s.credentials().isEmpty()) {
            return true;
        }
        String h = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (h == null || !h.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(h.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean ok = false;
        for (String account : s.credentials()) {
            // Compared in constant time, and against every account.
            ok |= MessageDigest.isEqual(given, account.getBytes(StandardCharsets.UTF_8));
        }
        return ok;
    }

    /**
     * The admin form, as HAProxy's: {@code b=#IID} (or a name) chooses the backend, {@code action}
     * what to do, and each {@code s} a server. The answer is a redirection to the page with
     * {@code ;st=} telling how it went.
     */
    private FullHttpResponse adminForm(HttpRequest request, String body, StatsSettings s, boolean admin, Options o) {
        String status;
        if (!admin) {
            status = "DENY";
        } else if (body == null) {
            status = "EXCD";
        } else {
            status = apply(new QueryStringDecoder(body, StandardCharsets.UTF_8, false).parameters());
        }
        FullHttpResponse r = response(request, HttpResponseStatus.SEE_OTHER, "text/plain", "");
        String keep = (o.has("norefresh") ? ";norefresh" : "") + (o.has("up") ? ";up" : "")
                + (o.has("no-maint") ? ";no-maint" : "");
        r.headers().set(HttpHeaderNames.LOCATION, s.uri() + keep + ";st=" + status);
        return r;
    }

    private String apply(Map<String, List<String>> form) {
        Backend backend = backend(first(form, "b"));
        String action = first(form, "action");
        if (backend == null || action == null
                || !List.of("ready", "drain", "maint", "shutdown").contains(action)) {
            return "ERRP";
        }
        List<String> names = form.getOrDefault("s", List.of());
        int done = 0;
        for (String name : names) {
            BackendServer server = backend.server(name);
            if (server == null) {
                continue;
            }
            done++;
            switch (action) {
                case "ready" -> Commands.changeState(backend, server, ServerState.Admin.READY, "the stats page");
                case "drain" -> Commands.changeState(backend, server, ServerState.Admin.DRAIN, "the stats page");
                case "maint" -> Commands.changeState(backend, server, ServerState.Admin.MAINT, "the stats page");
                default -> ferry.shutdownStreamsLater(server);
            }
        }
        return done == 0 ? "NONE" : done < names.size() ? "PART" : "DONE";
    }

    /** A backend by {@code #IID}, as the form sends it, or by name. */
    private Backend backend(String key) {
        if (key == null) {
            return null;
        }
        for (Backend b : ferry.backends()) {
            if (key.equals("#" + b.id()) || key.equals(b.name())) {
                return b;
            }
        }
        return null;
    }

    private static String first(Map<String, List<String>> form, String key) {
        List<String> v = form.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static FullHttpResponse response(HttpRequest request, HttpResponseStatus status, String type, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(request.protocolVersion(), status,
                Unpooled.wrappedBuffer(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return r;
    }

    static String resource(String name) {
        try (InputStream in = StatsPageRenderer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
