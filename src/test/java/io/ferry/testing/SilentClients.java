package io.ferry.testing;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A program run in a {@link NetNamespace}: opens {@code COUNT} connections to {@code HOST:PORT}
 * (with {@code ws}, each makes a WebSocket handshake and reads the {@code 101}), prints {@code
 * ready}, then holds them, silent, until it is killed. With {@code reading}, each also reads all
 * it is sent.
 *
 * <pre>java -cp TEST_CLASSES io.ferry.testing.SilentClients HOST PORT COUNT tcp|ws|reading</pre>
 */
public final class SilentClients {

    private SilentClients() {
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        boolean ws = args[3].equals("ws");
        // "reading": each client reads (and drops) all it is sent, until its link is cut.
        boolean reading = args[3].equals("reading");
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Socket s = new Socket(host, port);
            s.setSoTimeout(10000);
            held.add(s);
            if (reading) {
                Thread reader = new Thread(() -> {
                    try {
                        s.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                    } catch (java.io.IOException e) {
                        // cut off: nothing more to read
                    }
                });
                reader.setDaemon(true);
                reader.start();
            }
            if (ws) {
                s.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: app\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                String head = readHead(s.getInputStream());
                if (!head.startsWith("HTTP/1.1 101 ")) {
                    System.out.println("unexpected answer: " + head);
                    System.exit(1);
                }
            }
        }
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    /** Reads an HTTP head byte by byte, so that nothing after it is consumed. */
    public static String readHead(InputStream in) throws java.io.IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (!b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
