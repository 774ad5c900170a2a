package io.ferry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server on 127.0.0.1:0 that misbehaves on purpose: for each connection it reads one request
 * head and then runs a script on the raw socket (send garbage, stop halfway, close, stay silent).
 */
public final class ScriptedServer implements AutoCloseable {

    /** What to do once a request head was read. */
    @FunctionalInterface
    public interface Script {
        void run(String requestHead, InputStream in, OutputStream out) throws IOException;
    }

    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    public ScriptedServer(Script script) throws IOException {
        this(script, true, 0);
    }

    /** A server that runs {@code script} as soon as it accepts, without reading a request head first. */
    public static ScriptedServer raw(Script script) throws IOException {
        return new ScriptedServer(script, false, 0);
    }

    /**
     * A server that shrinks the receive buffer of each connection it accepts to {@code bytes},
     * after the kernel has offered the client its default window: what such a server does not
     * read is over its buffer, dropped, and sent again by the client's kernel.
     */
    public static ScriptedServer shrinkingItsReceiveBuffer(int bytes, Script script) throws IOException {
        return new ScriptedServer(script, true, bytes);
    }

    private ScriptedServer(Script script, boolean readHead, int receiveBuffer) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    if (receiveBuffer > 0) {
                        s.setReceiveBufferSize(receiveBuffer);
                    }
                    accepted.incrementAndGet();
                    open.add(s);
                    threads.execute(() -> serve(s, script, readHead));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private static void serve(Socket s, Script script, boolean readHead) {
        try (s) {
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            int c;
            while (readHead && !head.toString().endsWith("\r\n\r\n") && (c = in.read()) >= 0) {
                head.append((char) c);
            }
            script.run(head.toString(), in, s.getOutputStream());
        } catch (IOException e) {
            // The peer went away: nothing to report, the test watches the proxy.
        }
    }

    /** Writes text and flushes. */
    public static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    public String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    public int port() {
        return socket.getLocalPort();
    }

    public int accepted() {
        return accepted.get();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : open) {
            s.close();
        }
        threads.shutdownNow();
    }
}
