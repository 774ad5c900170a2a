package io.ferry.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/** {@code log ADDR:PORT}: one UDP datagram per message, as syslog over UDP (RFC 5426). */
final class UdpSink implements LogSink {

    private final DatagramChannel channel;
    private final InetSocketAddress target;

    UdpSink(InetSocketAddress target) {
        this.target = target;
        try {
            channel = DatagramChannel.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a UDP socket for logging to " + target, e);
        }
    }

    @Override
    public void send(byte[] message) throws IOException {
        channel.send(ByteBuffer.wrap(message), target);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing to do: the socket is being dropped.
        }
    }
}
