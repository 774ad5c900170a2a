package io.ferry.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;

/**
 * A strict HTTP/1.1 decoder (RFC 9112 framing, RFC 9110 field syntax) producing Netty's message
 * types: an {@link io.netty.handler.codec.http.HttpRequest} or {@link io.netty.handler.codec.http.HttpResponse},
 * then {@link io.netty.handler.codec.http.HttpContent}s that are slices of the bytes read (bodies
 * are never copied), then a {@link LastHttpContent}.
 *
 * <p>A message that breaks a rule is never passed on in part: the decoder emits instead a message
 * whose {@link DecoderResult} failed with an {@link HttpViolation} (a full request or response for
 * a bad head, a last content for a bad body), records it in {@link ErrorCaptures}, and discards
 * everything the connection sends after it. The head is scanned once for its end as bytes arrive
 * (a slow client costs no rescans) and parsed once, from a copy into an array its thread reuses, with table
 * lookups: no regular expression, no per-byte allocation.
 *
 * <p>For responses it needs the methods of the requests sent ({@link #sent}): a response to
 * {@code HEAD} has no body, a {@code 2xx} to {@code CONNECT} and a {@code 101} switching to another
 * protocol turn the connection into a tunnel, after which bytes are passed on as they are, as
 * Netty's own decoder does.
 */
public final class Http1Decoder extends ByteToMessageDecoder {

    private enum State { HEAD, FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE, UPGRADED, BAD }

    /** The longest chunk-size line accepted (size and extensions). */
    private static final int MAX_CHUNK_LINE = 4096;
    /** The most hex digits of a chunk size: 15 digits stay below 2^60, far from overflow. */
    private static final int MAX_CHUNK_DIGITS = 15;
    /** Chunks of at most this many bytes, when whole in what was read, are copied together into one content. */
    private static final int GATHER_MAX = 4096;

    private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    private static final HttpHeadersFactory TRAILERS = DefaultHttpHeadersFactory.trailersFactory().withValidation(false);

    /** Where heads and trailer sections are parsed; one larger than 64 KiB in an array of its own. */
    private static final Scratch SCRATCH = new Scratch(1024, 64 * 1024);

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte SP = ' ';
    private static final byte HTAB = '\t';

    private static final boolean[] TCHAR = table("!#$%&'*+-.^_`|~", true, true, false);
    private static final boolean[] NAME_RELAXED = relaxedNames();
    private static final boolean[] URI = table("-._~:/?[]@!$&'()*+,;=%", true, true, false);
    private static final boolean[] URI_RELAXED = table("-._~:/?[]@!$&'()*+,;=%\"<>\\^`{|}#", true, true, true);
    private static final boolean[] HOST = table("-._~!$&'()*+,;=%:[]", true, true, false);
    private static final boolean[] FIELD_VALUE = fieldValue();
    private static final boolean[] HEX = table("", false, true, false);
    private static final boolean[] SCHEME = table("+-.", true, true, false);

    private static final byte[] CONTENT_LENGTH = bytes("content-length");
    private static final byte[] TRANSFER_ENCODING = bytes("transfer-encoding");
    private static final byte[] HOST_NAME = bytes("host");
    private static final byte[][] CODINGS = {bytes("gzip"), bytes("x-gzip"), bytes("deflate"), bytes("compress"),
            bytes("x-compress")};
    private static final byte[] CHUNKED = bytes("chunked");

    private final boolean request;
    private final Http1Settings settings;
    /** Requests: methods of the requests decoded; responses: methods of the requests sent. */
    private final ArrayDeque<HttpMethod> methods;

    private State state = State.HEAD;
    /** Requests: decoding stops after each request's end until {@link #resume} (see {@link #pauseBetweenRequests}). */
    private boolean pausing;
    /** A request's end was passed on and decoding waits for {@link #resume}. */
    private boolean held;
    /** Bytes of the current head or trailer section, from the reader index, already searched for its end. */
    private int scanned;
    /** Where the line being scanned starts, from the reader index. */
    private int lineStart;
    private int lines;
    private long remaining;
    private long received;

    // What the field lines of the head being parsed said about framing.
    private long contentLength;
    private int contentLengthLines;
    /** Whether the only Content-Length line held one number, which then passes on as it came. */
    private boolean contentLengthOne;
    private int transferEncodingLines;
    private int codings;
    private boolean chunkedLast;
    private int hosts;
    private String hostValue;

    Http1Decoder(boolean request, Http1Settings settings, ArrayDeque<HttpMethod> methods) {
        this.request = request;
        this.settings = settings;
        this.methods = methods;
    }

    /** A decoder of requests; {@code methods} receives the method of each request decoded. */
    public static Http1Decoder requests(Http1Settings settings, ArrayDeque<HttpMethod> methods) {
        return new Http1Decoder(true, settings, methods);
    }

    /** A decoder of responses to the requests whose methods {@code sent} holds, oldest first. */
    public static Http1Decoder responses(Http1Settings settings, ArrayDeque<HttpMethod> sent) {
        return new Http1Decoder(false, settings, sent);
    }

    /** The methods of the requests this decoder's messages go with: of requests decoded, or of requests sent. */
    ArrayDeque<HttpMethod> methods() {
        return methods;
    }

    /**
     * From now on, stop decoding after each request's end until {@link #resume}: the bytes of the
     * requests that follow wait undecoded (one read's worth at most, as the stream reads again only
     * once it has resumed), instead of becoming a queue of decoded requests many times their size.
     */
    void pauseBetweenRequests() {
        pausing = true;
    }

    /** Whether bytes wait undecoded after a request's end. */
    boolean holdsInput() {
        return held && internalBuffer().isReadable();
    }

    /**
     * Decodes what waits after the last request's end, passing its messages on (the next request, at
     * most, before decoding stops again); returns whether it decoded anything. When it did not
     * (nothing waited, or only part of a head), the caller reads on.
     */
    boolean resume(ChannelHandlerContext ctx) throws Exception {
        if (!held) {
            // Not stopped: all that could be decoded was.
            return false;
        }
        held = false;
        if (!internalBuffer().isReadable()) {
            return false;
        }
        int before = internalBuffer().readableBytes();
        // Decodes the bytes held, passes on what they give, and lets go of an emptied buffer, as a read does.
        super.channelRead(ctx, Unpooled.EMPTY_BUFFER);
        return internalBuffer().readableBytes() != before;
    }

    /** From now on, pass bytes on as they come (the connection switched protocols). */
    void upgrade() {
        held = false;
        if (state != State.BAD) {
            state = State.UPGRADED;
        }
    }

    /** Whether the connection switched protocols: bytes pass as they come. */
    boolean upgraded() {
        return state == State.UPGRADED;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf b) {
            received += b.readableBytes();
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (held) {
            return;
        }
        int before = out.size();
        try {
            switch (state) {
                case HEAD -> head(ctx, in, out);
                case FIXED -> fixed(in, out);
                case CHUNK_SIZE, CHUNK_DATA, CHUNK_END -> chunks(ctx, in, out);
                case TRAILERS -> trailers(in, out);
                case UNTIL_CLOSE -> out.add(new DefaultHttpContent(in.readRetainedSlice(in.readableBytes())));
                case UPGRADED -> out.add(in.readRetainedSlice(in.readableBytes()));
                case BAD -> in.skipBytes(in.readableBytes());
                default -> throw new IllegalStateException(state.toString());
            }
        } catch (HttpViolation v) {
            fail(ctx, in, out, v);
        }
        if (pausing && out.size() > before && state == State.HEAD && out.get(out.size() - 1) instanceof LastHttpContent) {
            held = true;
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (held) {
            // The connection closed with requests it will not be answered for: nothing more to decode.
            in.skipBytes(in.readableBytes());
            return;
        }
        super.decodeLast(ctx, in, out);
        switch (state) {
            case HEAD -> {
                if (in.isReadable()) {
                    // A head cut short by the peer's close.
                    out.add(failedHead(new PrematureChannelClosureException("connection closed before the head was complete")));
                    in.skipBytes(in.readableBytes());
                    state = State.BAD;
                }
            }
            case FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS -> {
                LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
                last.setDecoderResult(DecoderResult.failure(
                        new PrematureChannelClosureException("connection closed before the body was complete")));
                out.add(last);
                state = State.BAD;
            }
            case UNTIL_CLOSE -> {
                out.add(LastHttpContent.EMPTY_LAST_CONTENT);
                state = State.BAD;
            }
            default -> {
            }
        }
    }

    // ---- heads -------------------------------------------------------------------------------

    private void head(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (request && lines == 0) {
            // RFC 9112 §2.2: empty lines before a request line are ignored.
            boolean skipped = false;
            while (in.readableBytes() >= 2 && in.getByte(in.readerIndex()) == CR
                    && in.getByte(in.readerIndex() + 1) == LF) {
                in.skipBytes(2);
                skipped = true;
            }
            if (skipped) {
                scanned = 0;
            }
        }
        int end = scanSection(in, true);
        if (end < 0) {
            return;
        }
        byte[] b = section(in, end);
        HttpMessage m = request ? parseRequest(b, end) : parseResponse(b, end);
        in.skipBytes(end);
        resetScan();
        out.add(m);
        if (request) {
            methods.add(((io.netty.handler.codec.http.HttpRequest) m).method());
        }
        afterHead(m, out);
    }

    /**
     * Searches the head (or trailer section) at the reader index for its empty line, from where the
     * last call stopped; returns its length once complete, or -1 to wait for more bytes. Every line
     * must end with CRLF; the head must fit {@code maxHead} and {@code maxFields}.
     */
    private int scanSection(ByteBuf in, boolean isHead) {
        int base = in.readerIndex();
        int limit = in.writerIndex();
        while (true) {
            int lf = in.indexOf(base + scanned, limit, LF);
            if (lf < 0) {
                scanned = limit - base;
                if (scanned > settings.maxHead()) {
                    throw tooLarge(isHead);
                }
                return -1;
            }
            int at = lf - base;
            scanned = at + 1;
            if (at == lineStart || in.getByte(lf - 1) != CR) {
                throw violation(at, "bare LF as a line ending");
            }
            if (scanned > settings.maxHead()) {
                throw tooLarge(isHead);
            }
            if (at - 1 == lineStart) {
                return scanned;
            }
            lines++;
            lineStart = scanned;
            if (lines - (isHead ? 1 : 0) > settings.maxFields()) {
                throw new HttpViolation(request ? 431 : 502, at, "more than " + settings.maxFields() + " field lines");
            }
        }
    }

    private HttpViolation tooLarge(boolean isHead) {
        if (request && isHead && lines == 0) {
            return new HttpViolation(414, settings.maxHead(), "request line longer than the buffer allows");
        }
        return new HttpViolation(request ? 431 : 502, settings.maxHead(), (isHead ? "head" : "trailer section")
                + " larger than the buffer allows");
    }

    /**
     * The {@code end} bytes of the section at the reader index of {@code in}, copied into the array
     * this thread keeps for parsing ({@link Scratch}). What is parsed out of it is copied (strings,
     * header names), so nothing refers to the array afterwards, and a connection holds no array of
     * its own between heads.
     */
    private static byte[] section(ByteBuf in, int end) {
        byte[] b = SCRATCH.atLeast(end);
        in.getBytes(in.readerIndex(), b, 0, end);
        return b;
    }

    private void resetScan() {
        scanned = 0;
        lineStart = 0;
        lines = 0;
    }

    private HttpMessage parseRequest(byte[] b, int end) {
        int eol = lineEnd(b, 0);
        int i = 0;
        while (TCHAR[b[i] & 0xff]) {
            i++;
        }
        if (i == 0 || b[i] != SP) {
            throw violation(i, i == 0 ? "invalid method" : "invalid character in method");
        }
        String methodName = ascii(b, 0, i);
        int targetStart = ++i;
        boolean[] uri = settings.acceptInvalid() ? URI_RELAXED : URI;
        while (uri[b[i] & 0xff]) {
            i++;
        }
        if (i == targetStart || b[i] != SP) {
            throw violation(i, i == targetStart ? "empty request target"
                    : b[i] == CR && i == eol ? "no HTTP version" : "invalid character in request target");
        }
        int targetEnd = i;
        HttpVersion version = version(b, i + 1, eol);
        HttpHeaders headers = HEADERS.newHeaders();
        fields(b, eol + 2, end, headers, true);
        HttpMethod method = HttpMethod.valueOf(methodName);
        String target = ascii(b, targetStart, targetEnd - targetStart);
        if (hosts > 1 || (hosts == 0 && version == HttpVersion.HTTP_1_1)) {
            throw violation(eol + 2, hosts > 1 ? "more than one Host" : "no Host in an HTTP/1.1 request");
        }
        targetForm(b, method, targetStart, targetEnd, headers);
        framing(version, headers, eol + 2);
        return new DefaultHttpRequest(version, method, target, headers);
    }

    /** RFC 9112 §3.2: which form of request target each method may use; absolute-form's authority is the Host. */
    private void targetForm(byte[] b, HttpMethod method, int start, int end, HttpHeaders headers) {
        boolean connect = method.equals(HttpMethod.CONNECT);
        if (b[start] == '/') {
            if (connect) {
                throw violation(start, "CONNECT needs an authority-form target");
            }
            return;
        }
        if (end - start == 1 && b[start] == '*') {
            if (!method.equals(HttpMethod.OPTIONS)) {
                throw violation(start, "asterisk-form target with a method other than OPTIONS");
            }
            return;
        }
        int scheme = start;
        while (scheme < end && SCHEME[b[scheme] & 0xff]) {
            scheme++;
        }
        boolean absolute = scheme > start && isAlpha(b[start]) && end - scheme >= 3 && b[scheme] == ':'
                && b[scheme + 1] == '/' && b[scheme + 2] == '/';
        if (absolute && !connect) {
            int a = scheme + 3;
            int e = a;
            while (e < end && b[e] != '/' && b[e] != '?' && b[e] != '#') {
                e++;
            }
            checkAuthority(b, a, e, false);
            headers.set(HttpHeaderNames.HOST, ascii(b, a, e - a));
            return;
        }
        if (!connect) {
            throw violation(start, "authority-form target with a method other than CONNECT");
        }
        checkAuthority(b, start, end, true);
    }

    private void checkAuthority(byte[] b, int start, int end, boolean portRequired) {
        if (start == end) {
            throw violation(start, "empty authority");
        }
        int colon = -1;
        for (int i = start; i < end; i++) {
            if (!HOST[b[i] & 0xff]) {
                throw violation(i, "invalid character in authority");
            }
            if (b[i] == ':') {
                colon = i;
            } else if (b[i] == ']') {
                colon = -1;
            }
        }
        if (colon >= 0) {
            for (int i = colon + 1; i < end; i++) {
                if (b[i] < '0' || b[i] > '9') {
                    throw violation(i, "invalid port in authority");
                }
            }
        }
        if (portRequired && (colon < 0 || colon == end - 1)) {
            throw violation(end, "authority-form target without a port");
        }
    }

    private HttpMessage parseResponse(byte[] b, int end) {
        int eol = lineEnd(b, 0);
        if (eol < 12 || b[8] != SP) {
            throw violation(Math.min(eol, 8), "invalid status line");
        }
        HttpVersion version = version(b, 0, 8);
        int code = 0;
        for (int i = 9; i < 12; i++) {
            if (b[i] < '0' || b[i] > '9') {
                throw violation(i, "invalid status code");
            }
            code = code * 10 + b[i] - '0';
        }
        if (code < 100 || code > 599) {
            throw violation(9, "status code out of range");
        }
        String reason = "";
        if (eol > 12) {
            if (b[12] != SP) {
                throw violation(12, "invalid status line");
            }
            for (int i = 13; i < eol; i++) {
                if (!FIELD_VALUE[b[i] & 0xff]) {
                    throw violation(i, "invalid character in reason phrase");
                }
            }
            reason = ascii(b, 13, eol - 13);
        }
        HttpHeaders headers = HEADERS.newHeaders();
        fields(b, eol + 2, end, headers, true);
        framing(version, headers, eol + 2);
        if (transferEncodingLines > 0 && (code < 200 || code == 204)) {
            throw violation(eol + 2, "Transfer-Encoding in a " + code + " response");
        }
        HttpResponseStatus status = reason.isEmpty() ? HttpResponseStatus.valueOf(code)
                : HttpResponseStatus.valueOf(code, reason);
        return new DefaultHttpResponse(version, status, headers);
    }

    /** {@code HTTP/1.0} or {@code HTTP/1.1}, ending exactly at {@code end}. */
    private HttpVersion version(byte[] b, int start, int end) {
        if (end - start == 8 && b[start] == 'H' && b[start + 1] == 'T' && b[start + 2] == 'T' && b[start + 3] == 'P'
                && b[start + 4] == '/' && b[start + 5] == '1' && b[start + 6] == '.') {
            if (b[start + 7] == '1') {
                return HttpVersion.HTTP_1_1;
            }
            if (b[start + 7] == '0') {
                return HttpVersion.HTTP_1_0;
            }
        }
        throw violation(start, "invalid or unsupported HTTP version");
    }

    /** Where the CRLF of the line starting at {@code from} is (the scan guarantees every LF follows a CR). */
    private static int lineEnd(byte[] b, int from) {
        int i = from;
        while (b[i] != LF) {
            i++;
        }
        return i - 1;
    }

    /** Parses the field lines in {@code [from, end)} (ending with the empty line) into {@code headers}. */
    private void fields(byte[] b, int from, int end, HttpHeaders headers, boolean isHead) {
        contentLength = -1;
        contentLengthLines = 0;
        contentLengthOne = false;
        transferEncodingLines = 0;
        codings = 0;
        chunkedLast = false;
        hosts = 0;
        hostValue = null;
        boolean[] names = settings.acceptInvalid() ? NAME_RELAXED : TCHAR;
        int s = from;
        while (s < end - 2) {
            if (b[s] == SP || b[s] == HTAB) {
                throw violation(s, "obs-fold (a field line starting with whitespace)");
            }
            int k = s;
            while (names[b[k] & 0xff]) {
                k++;
            }
            if (b[k] != ':' || k == s) {
                throw violation(k, k == s ? "empty or invalid field name"
                        : b[k] == SP || b[k] == HTAB ? "whitespace between field name and colon"
                        : "invalid character in field name");
            }
            // One pass finds the end of the line and checks the value: it stops at the first byte
            // a value cannot hold, which must be the CR of the line's CRLF.
            int eol = k + 1;
            while (FIELD_VALUE[b[eol] & 0xff]) {
                eol++;
            }
            if (b[eol] != CR || b[eol + 1] != LF) {
                throw violation(eol, b[eol] == 0 ? "NUL in field value" : b[eol] == CR ? "CR in field value"
                        : "control character in field value");
            }
            int v = k + 1;
            while (v < eol && (b[v] == SP || b[v] == HTAB)) {
                v++;
            }
            int ve = eol;
            while (ve > v && (b[ve - 1] == SP || b[ve - 1] == HTAB)) {
                ve--;
            }
            int nameLen = k - s;
            if (isHead) {
                if (is(b, s, nameLen, CONTENT_LENGTH)) {
                    contentLength(b, v, ve);
                } else if (is(b, s, nameLen, TRANSFER_ENCODING)) {
                    transferEncoding(b, v, ve);
                } else if (is(b, s, nameLen, HOST_NAME)) {
                    hosts++;
                    checkHost(b, v, ve);
                }
            } else if (is(b, s, nameLen, CONTENT_LENGTH) || is(b, s, nameLen, TRANSFER_ENCODING)
                    || is(b, s, nameLen, HOST_NAME)) {
                throw violation(s, "framing or routing field in trailers");
            }
            headers.add(name(b, s, nameLen), ascii(b, v, ve - v));
            s = eol + 2;
        }
    }

    private void checkHost(byte[] b, int v, int ve) {
        for (int i = v; i < ve; i++) {
            if (!HOST[b[i] & 0xff]) {
                throw violation(i, "invalid character in Host");
            }
        }
    }

    /** RFC 9110 §8.6: 1*DIGIT; a list of identical values is one value (RFC 9112 §6.3). */
    private void contentLength(byte[] b, int v, int ve) {
        contentLengthLines++;
        int i = v;
        while (true) {
            int d = i;
            long n = 0;
            while (i < ve && b[i] >= '0' && b[i] <= '9') {
                if (i - d >= 18) {
                    throw violation(i, "Content-Length too large");
                }
                n = n * 10 + b[i] - '0';
                i++;
            }
            if (i == d) {
                throw violation(i, "invalid Content-Length");
            }
            if (contentLength >= 0 && contentLength != n) {
                throw violation(d, "several different Content-Length values");
            }
            contentLength = n;
            while (i < ve && (b[i] == SP || b[i] == HTAB)) {
                i++;
            }
            if (i == ve) {
                // The first line, and the whole of it one number: it passes on as it came.
                contentLengthOne = contentLengthLines == 1 && d == v;
                return;
            }
            if (b[i] != ',') {
                throw violation(i, "invalid Content-Length");
            }
            i++;
            while (i < ve && (b[i] == SP || b[i] == HTAB)) {
                i++;
            }
        }
    }

    /** RFC 9112 §6.1: known codings, {@code chunked} once and last. */
    private void transferEncoding(byte[] b, int v, int ve) {
        transferEncodingLines++;
        int i = v;
        while (i < ve) {
            int t = i;
            while (i < ve && TCHAR[b[i] & 0xff]) {
                i++;
            }
            if (i > t) {
                if (chunkedLast) {
                    throw violation(t, is(b, t, i - t, CHUNKED) ? "chunked applied twice"
                            : "a transfer-coding after chunked");
                }
                if (is(b, t, i - t, CHUNKED)) {
                    chunkedLast = true;
                } else if (!known(b, t, i - t)) {
                    throw violation(t, "unknown transfer-coding");
                }
                codings++;
            }
            while (i < ve && (b[i] == SP || b[i] == HTAB)) {
                i++;
            }
            if (i < ve) {
                if (b[i] != ',') {
                    throw violation(i, b[i] == ';' ? "transfer-coding parameters" : "invalid Transfer-Encoding");
                }
                i++;
                while (i < ve && (b[i] == SP || b[i] == HTAB)) {
                    i++;
                }
            }
        }
    }

    private static boolean known(byte[] b, int off, int len) {
        for (byte[] c : CODINGS) {
            if (is(b, off, len, c)) {
                return true;
            }
        }
        return false;
    }

    /** The framing rules between the fields (RFC 9112 §6). */
    private void framing(HttpVersion version, HttpHeaders headers, int fieldsStart) {
        if (transferEncodingLines > 0) {
            if (version == HttpVersion.HTTP_1_0) {
                throw violation(fieldsStart, "Transfer-Encoding in HTTP/1.0");
            }
            if (contentLengthLines > 0) {
                throw violation(fieldsStart, "both Content-Length and Transfer-Encoding");
            }
            if (codings == 0) {
                throw violation(fieldsStart, "empty Transfer-Encoding");
            }
            if (!chunkedLast) {
                throw violation(fieldsStart, "final transfer-coding is not chunked");
            }
        } else if (contentLengthLines > 0 && !contentLengthOne) {
            // Identical repeats ("5, 5", or two lines of 5) become one: the next hop sees one plain value.
            headers.set(HttpHeaderNames.CONTENT_LENGTH, Long.toString(contentLength));
        }
    }

    private void afterHead(HttpMessage m, List<Object> out) {
        if (m instanceof io.netty.handler.codec.http.HttpResponse r) {
            int code = r.status().code();
            if (code < 200 && code != 101) {
                out.add(LastHttpContent.EMPTY_LAST_CONTENT);
                return;
            }
            HttpMethod method = methods.poll();
            boolean tunnel = (code == 101 && switchesProtocol(r))
                    || (HttpMethod.CONNECT.equals(method) && code >= 200 && code < 300);
            if (tunnel) {
                out.add(LastHttpContent.EMPTY_LAST_CONTENT);
                state = State.UPGRADED;
                return;
            }
            if (code == 101 || code == 204 || code == 304 || HttpMethod.HEAD.equals(method)) {
                out.add(LastHttpContent.EMPTY_LAST_CONTENT);
                return;
            }
            if (transferEncodingLines == 0 && contentLengthLines == 0) {
                state = State.UNTIL_CLOSE;
                return;
            }
        }
        if (transferEncodingLines > 0) {
            state = State.CHUNK_SIZE;
        } else if (contentLength > 0) {
            remaining = contentLength;
            state = State.FIXED;
        } else {
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }

    /** As Netty's decoder: a 101 switches away from HTTP/1 unless its Upgrade names HTTP/1.x. */
    private static boolean switchesProtocol(io.netty.handler.codec.http.HttpResponse r) {
        String upgrade = r.headers().get(HttpHeaderNames.UPGRADE);
        return upgrade == null || (!upgrade.contains("HTTP/1.0") && !upgrade.contains("HTTP/1.1"));
    }

    // ---- bodies ------------------------------------------------------------------------------

    private void fixed(ByteBuf in, List<Object> out) {
        int n = (int) Math.min(in.readableBytes(), remaining);
        if (n == 0) {
            return;
        }
        remaining -= n;
        if (remaining == 0) {
            out.add(new BodyEnd(in.readRetainedSlice(n)));
            state = State.HEAD;
        } else {
            out.add(new DefaultHttpContent(in.readRetainedSlice(n)));
        }
    }

    /** RFC 9112 §7.1: {@code 1*HEXDIG [ chunk-ext ] CRLF}. */
    private void chunkSize(ByteBuf in) {
        int r = in.readerIndex();
        int lf = in.indexOf(r, Math.min(in.writerIndex(), r + MAX_CHUNK_LINE), LF);
        if (lf < 0) {
            if (in.readableBytes() >= MAX_CHUNK_LINE) {
                throw violation(MAX_CHUNK_LINE, "chunk size line too long");
            }
            return;
        }
        if (lf == r || in.getByte(lf - 1) != CR) {
            throw violation(lf - r, "bare LF in chunk framing");
        }
        int end = lf - 1;
        int i = r;
        long size = 0;
        while (i < end && HEX[in.getByte(i) & 0xff]) {
            if (i - r >= MAX_CHUNK_DIGITS) {
                throw violation(i - r, "chunk size overflows");
            }
            size = (size << 4) | Character.digit(in.getByte(i), 16);
            i++;
        }
        if (i == r) {
            throw violation(0, "chunk size is not hex");
        }
        if (i < end) {
            int e = i;
            while (e < end && (in.getByte(e) == SP || in.getByte(e) == HTAB)) {
                e++;
            }
            if (e == end || in.getByte(e) != ';') {
                throw violation(i - r, "chunk size is not pure hex");
            }
            for (; e < end; e++) {
                if (!FIELD_VALUE[in.getByte(e) & 0xff]) {
                    throw violation(e - r, "invalid character in chunk extension");
                }
            }
        }
        in.readerIndex(lf + 1);
        if (size == 0) {
            state = State.TRAILERS;
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
    }

    /**
     * Decodes the chunks that {@code in} holds, up to the last one. Small chunks that are whole in
     * what was read are copied together into one content, and a larger chunk's data passes on as a
     * slice of the bytes read: a read of many tiny chunks becomes one piece of body, not thousands,
     * each one an object to keep and framing of its own to write, many times the bytes read.
     */
    private void chunks(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        ByteBuf gathered = null;
        try {
            while (true) {
                State before = state;
                int at = in.readerIndex();
                switch (state) {
                    case CHUNK_SIZE -> chunkSize(in);
                    case CHUNK_END -> chunkEnd(in);
                    case CHUNK_DATA -> {
                        if (remaining <= GATHER_MAX && in.readableBytes() >= remaining) {
                            if (gathered == null) {
                                gathered = ctx.alloc().buffer(Math.min(in.readableBytes(), 4 * GATHER_MAX));
                            }
                            gathered.writeBytes(in, (int) remaining);
                            remaining = 0;
                            state = State.CHUNK_END;
                        } else {
                            gathered = passOn(gathered, out);
                            chunkData(in, out);
                        }
                    }
                    default -> {
                        // the trailer section, in a call of its own
                        return;
                    }
                }
                if (state == before && in.readerIndex() == at) {
                    return;
                }
            }
        } finally {
            passOn(gathered, out);
        }
    }

    /** Passes on the chunk data gathered, if any; returns null, for the caller to gather anew. */
    private static ByteBuf passOn(ByteBuf gathered, List<Object> out) {
        if (gathered != null) {
            out.add(new DefaultHttpContent(gathered));
        }
        return null;
    }

    private void chunkData(ByteBuf in, List<Object> out) {
        int n = (int) Math.min(in.readableBytes(), remaining);
        if (n == 0) {
            return;
        }
        remaining -= n;
        out.add(new DefaultHttpContent(in.readRetainedSlice(n)));
        if (remaining == 0) {
            state = State.CHUNK_END;
        }
    }

    private void chunkEnd(ByteBuf in) {
        if (in.readableBytes() < 2) {
            if (in.isReadable() && in.getByte(in.readerIndex()) != CR) {
                throw violation(0, in.getByte(in.readerIndex()) == LF ? "bare LF in chunk framing"
                        : "chunk data longer than its size");
            }
            return;
        }
        byte a = in.getByte(in.readerIndex());
        byte c = in.getByte(in.readerIndex() + 1);
        if (a != CR || c != LF) {
            throw violation(a == CR ? 1 : 0, a == LF ? "bare LF in chunk framing" : "chunk data longer than its size");
        }
        in.skipBytes(2);
        state = State.CHUNK_SIZE;
    }

    private void trailers(ByteBuf in, List<Object> out) {
        int end = scanSection(in, false);
        if (end < 0) {
            return;
        }
        LastHttpContent last;
        if (end == 2) {
            last = LastHttpContent.EMPTY_LAST_CONTENT;
        } else {
            HttpHeaders trailers = TRAILERS.newHeaders();
            fields(section(in, end), 0, end, trailers, false);
            last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers);
        }
        in.skipBytes(end);
        resetScan();
        state = State.HEAD;
        out.add(last);
    }

    // ---- refusal -----------------------------------------------------------------------------

    private HttpViolation violation(int position, String reason) {
        return new HttpViolation(request ? 400 : 502, position, reason);
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, List<Object> out, HttpViolation v) {
        boolean inHead = state == State.HEAD;
        int keep = Math.min(in.readableBytes(), Math.max(settings.maxHead(), v.position() + 1));
        byte[] bytes = new byte[Math.max(0, keep)];
        in.getBytes(in.readerIndex(), bytes);
        long offset = received - in.readableBytes();
        settings.captures().record(request ? CapturedError.Direction.REQUEST : CapturedError.Direction.RESPONSE,
                settings.proxy(), settings.server(), ctx.channel().remoteAddress(), offset, v, bytes);
        in.skipBytes(in.readableBytes());
        state = State.BAD;
        if (inHead) {
            out.add(failedHead(v));
            if (request) {
                methods.add(HttpMethod.GET);
            }
        } else {
            LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
            last.setDecoderResult(DecoderResult.failure(v));
            out.add(last);
        }
    }

    private HttpMessage failedHead(Throwable cause) {
        HttpMessage m = request
                ? new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/", Unpooled.EMPTY_BUFFER)
                : new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY, Unpooled.EMPTY_BUFFER);
        m.setDecoderResult(DecoderResult.failure(cause));
        return m;
    }

    // ---- bytes -------------------------------------------------------------------------------

    /**
     * Field names that most messages carry, as clients and servers usually spell them: such a name
     * is given as this shared constant rather than a copy of its bytes. Any other spelling is
     * copied, so a name is always passed on exactly as it was received.
     */
    private static final AsciiString[][] COMMON_NAMES = commonNames("Host", "User-Agent", "Accept", "Accept-Encoding",
            "Accept-Language", "Accept-Ranges", "Connection", "Content-Length", "Content-Type", "Content-Encoding",
            "Date", "Server", "Last-Modified", "ETag", "Cache-Control", "Cookie", "Set-Cookie", "Upgrade",
            "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Accept", "Referer", "Origin",
            "Authorization", "X-Forwarded-For", "Transfer-Encoding", "Keep-Alive", "Expires", "Vary", "Location",
            "Pragma", "If-Modified-Since", "If-None-Match", "host", "user-agent", "accept", "accept-encoding",
            "connection", "content-length", "content-type", "date", "server", "last-modified", "etag",
            "cache-control", "cookie", "upgrade", "x-forwarded-for", "transfer-encoding");

    private static AsciiString[][] commonNames(String... names) {
        int max = 0;
        for (String n : names) {
            max = Math.max(max, n.length());
        }
        java.util.List<java.util.List<AsciiString>> byLength = new java.util.ArrayList<>();
        for (int i = 0; i <= max; i++) {
            byLength.add(new java.util.ArrayList<>());
        }
        for (String n : names) {
            byLength.get(n.length()).add(AsciiString.cached(n));
        }
        AsciiString[][] out = new AsciiString[max + 1][];
        for (int i = 0; i <= max; i++) {
            out[i] = byLength.get(i).toArray(new AsciiString[0]);
        }
        return out;
    }

    /** The field name in {@code b[off, off+len)}: a shared constant when it is a common one, else a copy. */
    private static AsciiString name(byte[] b, int off, int len) {
        if (len < COMMON_NAMES.length) {
            for (AsciiString known : COMMON_NAMES[len]) {
                // The constants are cached: each its own array, from index 0.
                byte[] k = known.array();
                if (k[0] == b[off] && java.util.Arrays.equals(k, 0, len, b, off, off + len)) {
                    return known;
                }
            }
        }
        return new AsciiString(b, off, len, true);
    }

    private static String ascii(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }

    /** Whether {@code b[off, off+len)} equals the lower-case {@code name}, ignoring ASCII case. */
    private static boolean is(byte[] b, int off, int len, byte[] name) {
        if (len != name.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            byte c = b[off + i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != name[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlpha(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean[] table(String extra, boolean alpha, boolean digits, boolean high) {
        boolean[] t = new boolean[256];
        for (char c : extra.toCharArray()) {
            t[c] = true;
        }
        for (int c = 0; c < 256; c++) {
            if ((alpha && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) || (digits && c >= '0' && c <= '9')
                    || (high && c >= 0x80)) {
                t[c] = true;
            }
        }
        if (!alpha && digits) {
            // HEX: digits and a-f, A-F.
            for (char c : "abcdefABCDEF".toCharArray()) {
                t[c] = true;
            }
        }
        return t;
    }

    /** With {@code accept-invalid-http-*}: any visible byte but the colon, as HAProxy's relaxed name parser. */
    private static boolean[] relaxedNames() {
        boolean[] t = new boolean[256];
        for (int c = 0x21; c < 256; c++) {
            t[c] = c != ':' && c != 0x7f;
        }
        return t;
    }

    /** RFC 9110 §5.5: field-vchar (VCHAR, obs-text), SP and HTAB. */
    private static boolean[] fieldValue() {
        boolean[] t = new boolean[256];
        for (int c = 0x20; c < 256; c++) {
            t[c] = c != 0x7f;
        }
        t[HTAB] = true;
        return t;
    }

    /** Not sharable, as Netty would find by a lookup in a per-thread cache for each new pipeline. */
    @Override
    public boolean isSharable() {
        return false;
    }
}
