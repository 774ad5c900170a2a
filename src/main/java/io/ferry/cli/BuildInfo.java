package io.ferry.cli;

import io.ferry.net.Transport;
import io.netty.util.Version;
import java.util.Map;
import java.util.stream.Collectors;

/** What {@code ferry -vv} adds to {@code -v}: the runtime, the libraries and the feature list. */
final class BuildInfo {

    private BuildInfo() {
    }

    static String text() {
        StringBuilder sb = new StringBuilder(io.ferry.cli.Version.text());
        sb.append("Build options :\n");
        sb.append("  JAVA    = ").append(System.getProperty("java.version")).append(" (")
                .append(System.getProperty("java.vm.name")).append(", ").append(System.getProperty("java.vendor"))
                .append(")\n");
        sb.append("  NETTY   = ").append(nettyVersion()).append('\n');
        sb.append('\n');
        sb.append("Feature list : ").append(Features.all().entrySet().stream()
                .map(e -> (e.getValue() ? "+" : "-") + e.getKey()).collect(Collectors.joining(" "))).append('\n');
        sb.append('\n');
        sb.append("Built with multi-threading support (default=")
                .append(Runtime.getRuntime().availableProcessors()).append(").\n\n");
        sb.append("Available polling systems :\n");
        boolean uring = Transport.IO_URING.isAvailable();
        boolean epoll = Transport.EPOLL.isAvailable();
        sb.append("   io_uring : pref=400,  test result ")
                .append(uring ? "OK" : "FAILED (" + Transport.IO_URING.unavailabilityCause() + ")").append('\n');
        sb.append("      epoll : pref=300,  test result ")
                .append(epoll ? "OK" : "FAILED (" + Transport.EPOLL.unavailabilityCause() + ")").append('\n');
        sb.append("        nio : pref=200,  test result OK\n");
        sb.append("Total: 3 (").append(1 + (uring ? 1 : 0) + (epoll ? 1 : 0)).append(" usable), will use ")
                .append(Transport.select().displayName()).append(
                        uring ? " (epoll with 'noiouring' or an fd@ listener).\n" : ".\n");
        return sb.toString();
    }

    private static String nettyVersion() {
        Map<String, Version> versions = Version.identify(BuildInfo.class.getClassLoader());
        Version common = versions.get("netty-common");
        return common == null ? "unknown" : common.artifactVersion();
    }
}
