package io.ferry.log;

import java.io.IOException;

/** Where framed log messages go. Called only from the log queue's thread. */
interface LogSink extends AutoCloseable {

    void send(byte[] message) throws IOException;

    @Override
    void close();
}
