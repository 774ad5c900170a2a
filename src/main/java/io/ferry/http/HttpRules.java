package io.ferry.http;

import io.ferry.config.HttpAction;
import io.ferry.config.HttpRule;
import io.ferry.config.LogFormat;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * One proxy's {@code http-request} or {@code http-response} rules, compiled once, run in order on
 * each message as HAProxy does: a rule whose condition holds applies its action; {@code allow}
 * stops this list; {@code deny}, {@code return} and {@code redirect} stop everything and answer the
 * client ({@link Verdict}). Header and URI rewrites change the message in place.
 *
 * <p>In {@code http-response} rules, conditions and {@code %[hdr(NAME)]} read the response's
 * headers for the {@code hdr} family and the request for the other fetches.
 *
 * <pre>{@code
 * HttpRules.Verdict v = frontendRules.request(sample, "www", "www");
 * if (v != null) { ... answer v ... }
 * }</pre>
 */
public final class HttpRules {

    /** Answer the client now: a deny with its error status, or a ready reply ({@code return}, {@code redirect}). */
    public record Verdict(int status, FullHttpResponse reply) {

        /** Whether it is a {@code deny} (the proxy refused; logged {@code P}), not a local reply ({@code L}). */
        public boolean denied() {
            return reply == null;
        }
    }

    private interface Step {
        /** Applies the action; returns a verdict to stop with, {@link #ALLOW} to end this list, or null to go on. */
        Verdict apply(SampleFormat.Scope s);
    }

    private static final Verdict ALLOW = new Verdict(0, null);

    private record Compiled(HttpRule rule, Step step) {
    }

    private static final HttpRules NONE = new HttpRules(List.of());

    private final List<Compiled> rules;

    private HttpRules(List<Compiled> rules) {
        this.rules = rules;
    }

    /** Compiles rules that {@link SampleFormat#problem} and the runtime's checks accept. */
    public static HttpRules compile(List<HttpRule> rules) {
        if (rules.isEmpty()) {
            return NONE;
        }
        List<Compiled> out = new ArrayList<>();
        for (HttpRule r : rules) {
            out.add(new Compiled(r, step(r.action())));
        }
        return new HttpRules(List.copyOf(out));
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** Runs request rules on {@code sample}'s request; null when the request goes on. */
    public Verdict request(RequestSample sample, String frontend, String backend) {
        return run(new SampleFormat.Scope(sample, null, frontend, backend), sample);
    }

    /** Runs response rules on {@code response} to {@code sample}'s request; null when the response goes on. */
    public Verdict response(RequestSample sample, HttpResponse response, String frontend, String backend) {
        if (rules.isEmpty()) {
            return null;
        }
        return run(new SampleFormat.Scope(sample, response, frontend, backend), sample.withHeaders(response.headers()));
    }

    private Verdict run(SampleFormat.Scope scope, RequestSample conditions) {
        for (Compiled c : rules) {
            if (!AclMatcher.test(c.rule().condition(), conditions)) {
                continue;
            }
            Verdict v = c.step().apply(scope);
            if (v == ALLOW) {
                return null;
            }
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static HttpHeaders headers(SampleFormat.Scope s) {
        return s.response() != null ? s.response().headers() : s.request().request().headers();
    }

    private static Step step(HttpAction a) {
        if (a instanceof HttpAction.SetHeader h) {
            return writeHeader(h.name(), h.value(), true);
        }
        if (a instanceof HttpAction.AddHeader h) {
            return writeHeader(h.name(), h.value(), false);
        }
        if (a instanceof HttpAction.DelHeader h) {
            return s -> {
                headers(s).remove(h.name());
                return null;
            };
        }
        if (a instanceof HttpAction.ReplaceHeader h) {
            SampleFormat v = SampleFormat.compile(h.replacement());
            return s -> {
                replaceHeader(headers(s), h, v.render(s));
                return null;
            };
        }
        if (a instanceof HttpAction.SetPath p) {
            return uri(p.path(), UriPart.PATH);
        }
        if (a instanceof HttpAction.SetQuery q) {
            return uri(q.query(), UriPart.QUERY);
        }
        if (a instanceof HttpAction.SetUri u) {
            return uri(u.uri(), UriPart.URI);
        }
        if (a instanceof HttpAction.Allow) {
            return s -> ALLOW;
        }
        if (a instanceof HttpAction.Deny d) {
            return s -> new Verdict(d.status(), null);
        }
        if (a instanceof HttpAction.Return r) {
            return returnStep(r);
        }
        if (a instanceof HttpAction.Redirect r) {
            return redirectStep(r);
        }
        if (a instanceof HttpAction.UseService) {
            // Answered before the rules run, by the frontend's services; the runtime allows use-service
            // only where it is the frontend's only kind of request rule.
            return s -> null;
        }
        // auth: refused at start by the runtime.
        throw new IllegalArgumentException("action " + a + " is not implemented");
    }

    /** {@code set-header} (replacing every occurrence) or {@code add-header}. */
    private static Step writeHeader(String name, LogFormat format, boolean replace) {
        SampleFormat v = SampleFormat.compile(format);
        String lower = lower(name);
        return s -> {
            String value = v.render(s);
            if (replace) {
                headers(s).set(lower, value);
            } else {
                headers(s).add(lower, value);
            }
            return null;
        };
    }

    /**
     * HAProxy's {@code replace-header}: each occurrence whose whole value the regex matches somewhere
     * becomes the replacement, with {@code \1}…{@code \9} taken from the match.
     */
    private static void replaceHeader(HttpHeaders headers, HttpAction.ReplaceHeader h, String replacement) {
        List<String> values = headers.getAll(h.name());
        if (values.isEmpty()) {
            return;
        }
        List<String> out = new ArrayList<>(values.size());
        boolean changed = false;
        for (String v : values) {
            Matcher m = h.regex().matcher(v);
            if (m.find()) {
                out.add(expand(replacement, m));
                changed = true;
            } else {
                out.add(v);
            }
        }
        if (changed) {
            headers.remove(h.name());
            for (String v : out) {
                headers.add(lower(h.name()), v);
            }
        }
    }

    /** Headers written by rules have lower-case names, as HAProxy 2.6 sends every header. */
    private static String lower(String name) {
        return name.toLowerCase(java.util.Locale.ROOT);
    }

    private static String expand(String replacement, Matcher m) {
        StringBuilder b = new StringBuilder(replacement.length() + 16);
        for (int i = 0; i < replacement.length(); i++) {
            char c = replacement.charAt(i);
            if (c == '\\' && i + 1 < replacement.length()) {
                char n = replacement.charAt(++i);
                if (n >= '0' && n <= '9') {
                    int g = n - '0';
                    if (g <= m.groupCount() && m.group(g) != null) {
                        b.append(m.group(g));
                    }
                } else {
                    b.append(n);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private enum UriPart { PATH, QUERY, URI }

    private static Step uri(LogFormat format, UriPart part) {
        SampleFormat v = SampleFormat.compile(format);
        return s -> {
            RequestSample sample = s.request();
            HttpRequest r = sample.request();
            String value = v.render(s);
            String uri = r.uri();
            int q = uri.indexOf('?');
            String beforeQuery = q < 0 ? uri : uri.substring(0, q);
            String query = q < 0 ? null : uri.substring(q + 1);
            String newUri = switch (part) {
                case URI -> value;
                case PATH -> authority(beforeQuery) + value + (query == null ? "" : "?" + query);
                // HAProxy adds the '?' for a non-empty query; an empty one keeps an existing '?' with nothing after.
                case QUERY -> value.isEmpty() ? beforeQuery + (query == null ? "" : "?") : beforeQuery + "?" + value;
            };
            r.setUri(newUri);
            sample.uriChanged();
            return null;
        };
    }

    /** The {@code scheme://authority} of an absolute-form URI, empty for origin-form. */
    private static String authority(String uriWithoutQuery) {
        int scheme = uriWithoutQuery.indexOf("://");
        if (scheme <= 0 || uriWithoutQuery.indexOf('/') < scheme) {
            return "";
        }
        int slash = uriWithoutQuery.indexOf('/', scheme + 3);
        return slash < 0 ? uriWithoutQuery : uriWithoutQuery.substring(0, slash);
    }

    private static Step returnStep(HttpAction.Return r) {
        SampleFormat body = r.bodyFormat() == null ? null : SampleFormat.compile(r.bodyFormat());
        return s -> {
            byte[] payload = body == null ? r.body() : body.render(s).getBytes(StandardCharsets.UTF_8);
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
                    Unpooled.wrappedBuffer(payload));
            res.headers().add("content-length", payload.length);
            if (r.contentType() != null) {
                res.headers().add("content-type", r.contentType());
            }
            return new Verdict(r.status(), res);
        };
    }

    /** HAProxy 2.6's redirect replies: {@code content-length: 0}, the location, and no-cache except for scheme. */
    private static Step redirectStep(HttpAction.Redirect r) {
        SampleFormat target = SampleFormat.compile(r.target());
        return s -> {
            String t = target.render(s);
            String location = switch (r.kind()) {
                case LOCATION -> t;
                case PREFIX -> ("/".equals(t) ? "" : t) + pathForRedirect(s.request(), r);
                case SCHEME -> {
                    String host = s.request().request().headers().get("host");
                    yield t + "://" + (host == null ? "" : host) + pathForRedirect(s.request(), r);
                }
            };
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.code()),
                    Unpooled.EMPTY_BUFFER);
            res.headers().add("content-length", 0);
            res.headers().add("location", location);
            if (r.kind() != HttpAction.Redirect.Kind.SCHEME) {
                res.headers().add("cache-control", "no-cache");
            }
            return new Verdict(r.code(), res);
        };
    }

    /** The path and query a prefix or scheme redirect keeps, with {@code drop-query} and {@code append-slash}. */
    private static String pathForRedirect(RequestSample sample, HttpAction.Redirect r) {
        String path = sample.path();
        if (r.appendSlash() && !path.endsWith("/")) {
            path = path + "/";
        }
        if (!r.dropQuery() && sample.query() != null) {
            path = path + "?" + sample.query();
        }
        return path;
    }
}
