package io.ferry.config.advisor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the advisor knows of the machine a configuration will run on: the process's descriptor
 * limit, the size of the ephemeral port range, and the JVM's largest heap. Tests build their own.
 *
 * @param descriptorLimit the soft limit on open files, 0 when unknown
 * @param ephemeralPorts how many local ports the kernel hands out for outgoing connections, 0 when unknown
 * @param maxHeapBytes the JVM's maximum heap
 * @param probeServers whether the advisor may open a connection to each checked server to see if
 *                     it answers ({@code -c} does; start-up does not, so as not to delay serving)
 */
public record MachineFacts(long descriptorLimit, int ephemeralPorts, long maxHeapBytes, boolean probeServers) {

    /** The facts of the running process, read from {@code /proc} where it exists; servers are probed. */
    public static MachineFacts current() {
        return new MachineFacts(readDescriptorLimit(Path.of("/proc/self/limits")),
                readPortRange(Path.of("/proc/sys/net/ipv4/ip_local_port_range")), Runtime.getRuntime().maxMemory(),
                true);
    }

    /** The same facts, without probing servers. */
    public MachineFacts withoutProbes() {
        return new MachineFacts(descriptorLimit, ephemeralPorts, maxHeapBytes, false);
    }

    /** The soft "Max open files" of a {@code /proc/PID/limits} file, 0 when it cannot be read. */
    static long readDescriptorLimit(Path limits) {
        for (String line : readLines(limits)) {
            if (line.startsWith("Max open files")) {
                String[] words = line.substring("Max open files".length()).trim().split("\\s+");
                return words[0].equals("unlimited") ? Long.MAX_VALUE : parse(words[0]);
            }
        }
        return 0;
    }

    /** The number of ports in {@code ip_local_port_range} ("32768 60999"), 0 when it cannot be read. */
    static int readPortRange(Path range) {
        List<String> lines = readLines(range);
        if (lines.isEmpty()) {
            return 0;
        }
        String[] words = lines.get(0).trim().split("\\s+");
        if (words.length != 2) {
            return 0;
        }
        long low = parse(words[0]);
        long high = parse(words[1]);
        return high >= low && low > 0 ? (int) (high - low + 1) : 0;
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
