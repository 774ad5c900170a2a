package io.ferry.admin;

import io.ferry.proxy.Ferry;
import io.ferry.proxy.Frontend;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * {@code show info}: HAProxy's {@code Name: value} lines, only those Ferry can fill with a true
 * value (no rates, pools or SSL figures: Ferry does not measure them).
 */
final class Info {

    private Info() {
    }

    static Map<String, String> fields(Ferry ferry) {
        Map<String, String> m = new LinkedHashMap<>();
        long uptime = Math.max(0, (System.currentTimeMillis() - ferry.startMillis()) / 1000);
        m.put("Name", "Ferry");
        m.put("Version", version());
        m.put("Nbthread", Integer.toString(ferry.threads()));
        m.put("Nbproc", "1");
        m.put("Process_num", "1");
        m.put("Pid", Long.toString(ProcessHandle.current().pid()));
        m.put("Uptime", "%dd %dh%02dm%02ds".formatted(uptime / 86400, uptime / 3600 % 24, uptime / 60 % 60, uptime % 60));
        m.put("Uptime_sec", Long.toString(uptime));
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            m.put("Ulimit-n", Long.toString(unix.getMaxFileDescriptorCount()));
        }
        m.put("Maxconn", Integer.toString(ferry.maxconn()));
        // The limit at start: the configured global maxconn, or the one derived from the descriptor limit.
        m.put("Hard_maxconn", Integer.toString(ferry.config().global().maxconn() == null ? ferry.derivedMaxconn()
                : ferry.config().global().maxconn().value()));
        long current = 0;
        long requests = 0;
        for (Frontend f : ferry.frontends()) {
            current += f.counters().current();
            requests += f.counters().requests();
        }
        m.put("CurrConns", Long.toString(current));
        m.put("CumConns", Long.toString(ferry.acceptedConnections()));
        m.put("CumReq", Long.toString(requests));
        m.put("Stopping", "0");
        m.put("Listeners", Integer.toString(ferry.listenerCount()));
        m.put("DroppedLogs", Long.toString(ferry.droppedLogMessages()));
        m.put("Start_time_sec", Long.toString(ferry.startMillis() / 1000));
        return m;
    }

    static String text(Ferry ferry) {
        StringBuilder b = new StringBuilder();
        fields(ferry).forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
        return b.toString();
    }

    static String version() {
        Properties p = new Properties();
        try (InputStream in = Info.class.getResourceAsStream("/io/ferry/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }
}
