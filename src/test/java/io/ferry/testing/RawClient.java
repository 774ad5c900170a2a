package io.ferry.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A plain socket client for bytes no HTTP library would send, and for reading exactly what comes back. */
public final class RawClient implements AutoCloseable {

    private final Socket socket;

    public RawClient(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(20000);
    }

    public RawClient send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** Sends bytes as they are. */
    public RawClient sendBytes(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /** Closes with a reset (SO_LINGER 0), as a client that vanished abruptly. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** Half-closes: sends FIN, keeps reading. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Everything until the proxy closes the connection. */
    public String readAll() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        socket.getInputStream().transferTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads until {@code count} occurrences of {@code marker} have arrived; returns all read. */
    public String readUntil(String marker, int count) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder b = new StringBuilder();
        byte[] buf = new byte[8192];
        while (occurrences(b, marker) < count) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            b.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        }
        return b.toString();
    }

    /** Reads and drops whatever is buffered; true when the proxy closed (EOF or reset) rather than the read timing out. */
    public boolean closedByPeerAfterDraining() throws IOException {
        byte[] buf = new byte[65536];
        try {
            while (socket.getInputStream().read(buf) >= 0) {
                // discard
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    /** Whether the proxy closed the connection (reads EOF). */
    public boolean closedByPeer() throws IOException {
        return socket.getInputStream().read() < 0;
    }

    private static int occurrences(CharSequence s, String marker) {
        int n = 0;
        int i = 0;
        String str = s.toString();
        while ((i = str.indexOf(marker, i)) >= 0) {
            n++;
            i += marker.length();
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
