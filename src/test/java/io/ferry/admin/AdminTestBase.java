package io.ferry.admin;

import io.ferry.proxy.FerryTestBase;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/** A test of one Ferry and its runtime API: talking to its stats sockets, and test servers. */
abstract class AdminTestBase extends FerryTestBase {

    /** Sends one line of commands to a runtime API socket and returns all it answers before closing. */
    static String cli(SocketAddress socket, String line) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(socket, 5000);
            s.setSoTimeout(10000);
            s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** What a test server does with each connection it accepts. */
    interface ConnectionScript {
        void run(Socket s) throws Exception;
    }

    /** A TCP server on an ephemeral port running {@code script} on each connection; closed after the test. */
    ServerSocket tcpServer(ConnectionScript script) throws Exception {
        ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        resources.add(ss);
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    Socket s = ss.accept();
                    resources.add(s);
                    script.run(s);
                }
            } catch (Exception e) {
                // Closed at the end of the test.
            }
        });
        t.setDaemon(true);
        t.start();
        return ss;
    }
}
