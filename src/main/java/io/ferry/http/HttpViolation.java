package io.ferry.http;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;

/**
 * Why a message was refused by {@link Http1Decoder}: the rule it broke, where in the message, and
 * the status Ferry answers with (400, 414 or 431 for a request; a response is always answered 502).
 * It is the cause of the failed {@link DecoderResult} of the message the decoder emits instead.
 */
public final class HttpViolation extends DecoderException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final int position;

    HttpViolation(int status, int position, String reason) {
        super(reason, null);
        this.status = status;
        this.position = position;
    }

    /** 400, 414 or 431 for a request; 502 for a response. */
    public int status() {
        return status;
    }

    /** Offset of the offending byte from the start of the message (or of the chunk line, in a body). */
    public int position() {
        return position;
    }

    /** The rule that was broken, in a few words. */
    public String reason() {
        return getMessage();
    }

    /** The status to answer a request that failed to decode with: the violation's, else 400. */
    public static int requestStatus(DecoderResult result) {
        return result.cause() instanceof HttpViolation v ? v.status : 400;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // Hostile input is common and cheap to produce: no stack trace for it.
        return this;
    }
}
