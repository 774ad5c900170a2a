package io.ferry.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace of the test's own, joined to this one by a veth pair: a host on
 * {@code 10.203.N.2} that reaches this namespace's {@code 10.203.N.1}. {@link #cutOff} takes its
 * end of the link down, so that it vanishes without a FIN, a reset, or even an ACK. Needs root
 * and iproute2; {@link #create} returns null where they are missing.
 */
public final class NetNamespace implements AutoCloseable {

    private final String name;
    private final String hostSide;
    private final String peerSide;
    private final int subnet;
    private final List<Process> processes = new ArrayList<>();

    private NetNamespace(String name, String hostSide, String peerSide, int subnet) {
        this.name = name;
        this.hostSide = hostSide;
        this.peerSide = peerSide;
        this.subnet = subnet;
    }

    /** A new namespace, or null when this machine does not let the test make one. */
    public static NetNamespace create() {
        int id = ThreadLocalRandom.current().nextInt(1, 250);
        String suffix = ProcessHandle.current().pid() % 100000 + "x" + id;
        NetNamespace ns = new NetNamespace("ferry-" + suffix, "fh" + suffix, "fn" + suffix, id);
        try {
            ns.run("ip", "netns", "add", ns.name);
        } catch (IOException | IllegalStateException e) {
            return null;
        }
        try {
            ns.run("ip", "link", "add", ns.hostSide, "type", "veth", "peer", "name", ns.peerSide);
            ns.run("ip", "link", "set", ns.peerSide, "netns", ns.name);
            ns.run("ip", "addr", "add", ns.hostAddress() + "/30", "dev", ns.hostSide);
            ns.run("ip", "link", "set", ns.hostSide, "up");
            ns.inside("ip", "addr", "add", ns.peerAddress() + "/30", "dev", ns.peerSide);
            ns.inside("ip", "link", "set", ns.peerSide, "up");
            ns.inside("ip", "link", "set", "lo", "up");
            return ns;
        } catch (IOException e) {
            ns.close();
            throw new IllegalStateException(e);
        }
    }

    /** This namespace's end of the link. */
    public String hostAddress() {
        return "10.203." + subnet + ".1";
    }

    /** The namespace's own address. */
    public String peerAddress() {
        return "10.203." + subnet + ".2";
    }

    /** Starts {@code command} inside the namespace; it is killed on {@link #close}. */
    public Process start(String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        processes.add(p);
        return p;
    }

    /** Takes the namespace's end of the link down: what is sent to it is lost, and it answers nothing. */
    public void cutOff() throws IOException {
        inside("ip", "link", "set", peerSide, "down");
    }

    private void inside(String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(command));
        run(cmd.toArray(String[]::new));
    }

    private void run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": "
                    + new String(p.getInputStream().readAllBytes()).strip());
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        // The killed clients' orphaned sockets keep the namespace alive for a while: take the link
        // away now rather than when the kernel gives up on them.
        for (String[] command : new String[][] {{"ip", "link", "del", hostSide}, {"ip", "netns", "del", name}}) {
            try {
                run(command);
            } catch (IOException | IllegalStateException e) {
                // Already gone.
            }
        }
    }
}
