package io.ferry.testing;

import io.ferry.proxy.Ferry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs a Ferry in a JVM of its own, for tests that watch its memory: reads the configuration file
 * named by the first argument, prints {@code PORT n} for its first listener, {@code PORTS n m ...}
 * for all of them in the configuration's order and {@code TRANSPORT t} for the transport it runs
 * on, and stops when its standard input closes (so that it never outlives the test).
 */
public final class StandaloneFerry {

    private StandaloneFerry() {
    }

    public static void main(String[] args) throws IOException {
        String text = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        try (Ferry ferry = Ferry.start(Configs.parse(text))) {
            System.out.println("PORT " + ferry.boundAddresses().get(0).getPort());
            StringBuilder ports = new StringBuilder("PORTS");
            ferry.boundAddresses().forEach(a -> ports.append(' ').append(a.getPort()));
            System.out.println(ports);
            System.out.println("TRANSPORT " + ferry.transport());
            System.out.flush();
            while (System.in.read() >= 0) {
                // Wait for the parent to go away.
            }
        }
    }
}
