package io.ferry.cli;

import io.netty.channel.epoll.Epoll;
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
        sb.append("      epoll : pref=300,  test result ")
                .append(Epoll.isAvailable() ? "OK" : "FAILED (" + Epoll.unavailabilityCause() + ")").append('\n');
        sb.append("        nio : pref=200,  test result OK\n");
        sb.append("Total: 2 (").append(Epoll.isAvailable() ? 2 : 1).append(" usable), will use ")
                .append(Epoll.isAvailable() ? "epoll" : "nio").append(".\n");
        return sb.toString();
    }

    private static String nettyVersion() {
        Map<String, Version> versions = Version.identify(BuildInfo.class.getClassLoader());
        Version common = versions.get("netty-common");
        return common == null ? "unknown" : common.artifactVersion();
    }
}
