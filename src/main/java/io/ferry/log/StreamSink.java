package io.ferry.log;

import java.io.IOException;
import java.io.OutputStream;

/** {@code log stdout} / {@code log stderr}: each message written and flushed at once. */
final class StreamSink implements LogSink {

    private final OutputStream out;

    StreamSink(OutputStream out) {
        this.out = out;
    }

    @Override
    public void send(byte[] message) throws IOException {
        out.write(message);
        out.flush();
    }

    @Override
    public void close() {
        // The process's own stream: left open.
    }
}
