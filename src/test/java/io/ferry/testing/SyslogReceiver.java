package io.ferry.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A UDP syslog server on 127.0.0.1 and an ephemeral port: each datagram is one message. */
public final class SyslogReceiver implements AutoCloseable {

    private final DatagramSocket socket;

    public SyslogReceiver() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** {@code 127.0.0.1:PORT}, for a {@code log} line. */
    public String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    /** The next message, as sent (with its newline), waiting at most {@code timeoutMs}. */
    public String next(int timeoutMs) throws IOException {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.setSoTimeout(timeoutMs);
        socket.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
    }

    /** Whether no message arrives within {@code ms}. */
    public boolean silentFor(int ms) throws IOException {
        try {
            next(ms);
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
