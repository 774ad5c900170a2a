package io.ferry.admin;

import io.ferry.config.StatsSettings;
import io.ferry.proxy.Ferry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stats page as HTML: the process's figures, the live chart of connections by state, and a
 * table per proxy with HAProxy's column groups (its {@code FRONTEND} row, a row per server, its
 * {@code BACKEND} row), filled from the same rows as {@code show stat}. Self-contained: its style
 * and the chart's script are inlined, so the page needs nothing but Ferry.
 */
final class StatsHtml {

    private static final String CSS = StatsPageRenderer.resource("stats.css");

    /** A group of columns: its title, and each column's heading and position in {@link Column#ALL}. */
    private record Group(String title, String[] headings, int[] columns) {
    }

    private static final List<Group> GROUPS = List.of(
            new Group("Queue", new String[] {"Cur", "Max", "Limit"}, new int[] {2, 3, 25}),
            new Group("Sessions", new String[] {"Cur", "Max", "Limit", "Total", "LbTot"}, new int[] {4, 5, 6, 7, 30}),
            new Group("Bytes", new String[] {"In", "Out"}, new int[] {8, 9}),
            new Group("Denied", new String[] {"Req", "Resp"}, new int[] {10, 11}),
            new Group("Errors", new String[] {"Req", "Conn", "Resp"}, new int[] {12, 13, 14}),
            new Group("Warnings", new String[] {"Retr", "Redis"}, new int[] {15, 16}),
            new Group("Server", new String[] {"Status", "LastChk", "Wght", "Act", "Bck", "Chk", "Dwn", "Dwntme"},
                    new int[] {17, 36, 18, 19, 20, 21, 22, 24}));

    private static final Map<String, String> STATUS_MESSAGES = Map.of(
            "DONE", "Action processed successfully.",
            "NONE", "Nothing has changed.",
            "PART", "Action partially processed: some server names are unknown in the backend.",
            "ERRP", "Action not processed because of invalid parameters: the action is unknown, or the backend "
                    + "does not exist.",
            "EXCD", "Action not processed: the form was too long to be read. Retry with fewer servers at a time.",
            "DENY", "Action denied.");

    private final Ferry ferry;
    private final StatsSettings settings;
    private final boolean admin;
    private final StatsPageRenderer.Options options;
    private final StringBuilder b = new StringBuilder(16384);

    StatsHtml(Ferry ferry, StatsSettings settings, boolean admin, StatsPageRenderer.Options options) {
        this.ferry = ferry;
        this.settings = settings;
        this.admin = admin;
        this.options = options;
    }

    String render(List<StatTable.Row> rows) {
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>Statistics Report for Ferry</title>\n<style>\n").append(CSS).append("</style>\n")
                .append("</head>\n<body>\n<header>\n<h1>Ferry");
        if (!settings.hideVersion()) {
            b.append(" <span id=\"version\">version ").append(escape(Info.version())).append("</span>");
        }
        b.append("</h1>\n");
        info();
        b.append("</header>\n");
        status();
        b.append("<section id=\"ferry-chart\" data-ferry-chart=\"").append(escape(settings.uri())).append("\">\n")
                .append("<h2>Connections by state</h2>\n<p class=\"note\">Each chart shows a frontend's or a ")
                .append("backend's streams over the last five minutes, sampled every second: established, queued, ")
                .append("tunnels, and half-closed connections, whose other side Ferry is waiting for until the ")
                .append("fin timeouts.</p>\n</section>\n");
        for (List<StatTable.Row> proxy : byProxy(rows)) {
            table(proxy);
        }
        if (settings.showLegends()) {
            legend();
        }
        b.append("<p class=\"formats\">Also as <a href=\"").append(escape(settings.uri())).append(";csv\">CSV</a>, ")
                .append("<a href=\"").append(escape(settings.uri())).append(";json\">JSON</a>; ")
                .append("<a href=\"").append(escape(settings.uri())).append(";up\">only servers that are up</a>, ")
                .append("<a href=\"").append(escape(settings.uri())).append(";norefresh\">without refresh</a>.</p>\n")
                .append("<script>\n").append(StatsPageRenderer.CHART_JS).append("</script>\n</body>\n</html>\n");
        return b.toString();
    }

    private void info() {
        Map<String, String> info = Info.fields(ferry);
        b.append("<table id=\"info\">\n");
        row("pid", info.get("Pid"));
        row("uptime", info.get("Uptime"));
        row("threads", info.get("Nbthread"));
        row("maxconn", info.get("Maxconn"));
        row("current connections", info.get("CurrConns"));
        row("connections accepted", info.get("CumConns"));
        row("requests", info.get("CumReq"));
        b.append("</table>\n");
    }

    private void row(String name, String value) {
        if (value != null) {
            b.append("<tr><th>").append(name).append("</th><td>").append(escape(value)).append("</td></tr>\n");
        }
    }

    private void status() {
        String st = options.status();
        if (st != null) {
            String message = STATUS_MESSAGES.getOrDefault(st, "Unexpected result.");
            b.append("<p id=\"status\" class=\"").append(st.equals("DONE") || st.equals("NONE") ? "done" : "failed")
                    .append("\">").append(escape(message)).append(" <a href=\"").append(escape(settings.uri()))
                    .append("\">[close]</a></p>\n");
        }
    }

    /** The rows of each proxy together, in order: a listen section's frontend, servers and backend in one table. */
    private static List<List<StatTable.Row>> byProxy(List<StatTable.Row> rows) {
        Map<String, List<StatTable.Row>> groups = new LinkedHashMap<>();
        for (StatTable.Row r : rows) {
            groups.computeIfAbsent(r.proxyId() + "/" + r.values()[0], k -> new ArrayList<>()).add(r);
        }
        return new ArrayList<>(groups.values());
    }

    private void table(List<StatTable.Row> rows) {
        String name = rows.get(0).values()[0];
        int iid = rows.get(0).proxyId();
        boolean form = admin && rows.stream().anyMatch(r -> r.type() == 'S');
        if (form) {
            b.append("<form method=\"post\" action=\"").append(escape(settings.uri())).append("\">\n");
        }
        b.append("<table class=\"proxy\" data-proxy=\"").append(escape(name)).append("\">\n<caption>")
                .append(escape(name)).append("</caption>\n<thead>\n<tr>");
        if (form) {
            b.append("<th rowspan=\"2\"></th>");
        }
        b.append("<th rowspan=\"2\"></th>");
        for (Group g : GROUPS) {
            b.append("<th colspan=\"").append(g.headings.length).append("\">").append(g.title).append("</th>");
        }
        b.append("</tr>\n<tr>");
        for (Group g : GROUPS) {
            for (String h : g.headings) {
                b.append("<th>").append(h).append("</th>");
            }
        }
        b.append("</tr>\n</thead>\n<tbody>\n");
        for (StatTable.Row r : rows) {
            String sv = r.values()[1];
            String status = r.values()[17] == null ? "" : r.values()[17];
            b.append("<tr class=\"").append(r.type() == 'F' ? "frontend" : r.type() == 'B' ? "backend" : "server")
                    .append(' ').append(statusClass(status)).append("\">");
            if (form) {
                b.append("<td>");
                if (r.type() == 'S') {
                    b.append("<input type=\"checkbox\" name=\"s\" value=\"").append(escape(sv)).append("\">");
                }
                b.append("</td>");
            }
            b.append("<th");
            if (r.type() == 'S' && settings.showLegends()) {
                b.append(" title=\"").append(escape(address(name, sv))).append('"');
            }
            b.append('>').append(r.type() == 'F' ? "Frontend" : r.type() == 'B' ? "Backend" : escape(sv))
                    .append("</th>");
            for (Group g : GROUPS) {
                for (int c : g.columns) {
                    b.append("<td>").append(escape(cell(r, c))).append("</td>");
                }
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table>\n");
        if (form) {
            b.append("<p class=\"admin\">Choose the action to perform on the checked servers: ")
                    .append("<select name=\"action\"><option value=\"\"></option>")
                    .append("<option value=\"ready\">Set state to READY</option>")
                    .append("<option value=\"drain\">Set state to DRAIN</option>")
                    .append("<option value=\"maint\">Set state to MAINT</option>")
                    .append("<option value=\"shutdown\">Kill Sessions</option></select>")
                    .append("<input type=\"hidden\" name=\"b\" value=\"#").append(iid).append("\">")
                    .append(" <input type=\"submit\" value=\"Apply\"></p>\n</form>\n");
        }
    }

    /** A server's address as its line gives it resolved: {@code ip:port} or {@code unix@path}. */
    private String address(String backend, String server) {
        for (io.ferry.balance.BackendServer s : ferry.servers(backend)) {
            if (s.name().equals(server)) {
                return s.unixPath() != null ? "unix@" + s.unixPath()
                        : new java.net.InetSocketAddress(s.address(), s.port()).getAddress().getHostAddress()
                                + (s.port() != 0 ? ":" + s.port() : "");
            }
        }
        return "";
    }

    /** A cell's text: the column's value, with the last check as HAProxy shows it ({@code L7OK/200 in 1ms}). */
    private static String cell(StatTable.Row r, int column) {
        String[] v = r.values();
        if (column == 36) {
            if (v[36] == null) {
                return "";
            }
            return v[36] + (v[37] != null ? "/" + v[37] : "") + (v[38] != null ? " in " + v[38] + "ms" : "");
        }
        if (column == 17 && r.type() == 'S' && v[23] != null) {
            return duration(Long.parseLong(v[23])) + " " + v[17];
        }
        if (column == 24 && v[24] != null) {
            return duration(Long.parseLong(v[24]));
        }
        return v[column] == null ? "" : v[column];
    }

    /** Seconds as HAProxy's page prints them: {@code 2d3h}, {@code 4h5m}, {@code 6m7s}, {@code 8s}. */
    static String duration(long s) {
        if (s >= 86400) {
            return s / 86400 + "d" + s / 3600 % 24 + "h";
        } else if (s >= 3600) {
            return s / 3600 + "h" + s / 60 % 60 + "m";
        } else if (s >= 60) {
            return s / 60 + "m" + s % 60 + "s";
        }
        return s + "s";
    }

    private static String statusClass(String status) {
        if (status.startsWith("UP") || status.equals("OPEN")) {
            return status.contains("/") ? "going-down" : "up";
        } else if (status.startsWith("DOWN")) {
            return status.contains("/") ? "going-up" : "down";
        } else if (status.startsWith("MAINT")) {
            return "maint";
        } else if (status.startsWith("DRAIN") || status.startsWith("NOLB")) {
            return "drain";
        }
        return "other";
    }

    private void legend() {
        b.append("<table id=\"legend\"><caption>Legend</caption>\n")
                .append("<tr class=\"up\"><td>active UP</td></tr>\n")
                .append("<tr class=\"going-down\"><td>active UP, going down</td></tr>\n")
                .append("<tr class=\"going-up\"><td>active DOWN, going up</td></tr>\n")
                .append("<tr class=\"down\"><td>active or backup DOWN</td></tr>\n")
                .append("<tr class=\"drain\"><td>active or backup SOFT STOPPED (DRAIN, NOLB)</td></tr>\n")
                .append("<tr class=\"maint\"><td>active or backup DOWN for maintenance (MAINT)</td></tr>\n")
                .append("<tr class=\"other\"><td>not checked</td></tr>\n</table>\n")
                .append("<p class=\"note\">Note: \"NOLB\"/\"DRAIN\" = UP with load-balancing disabled.</p>\n");
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
