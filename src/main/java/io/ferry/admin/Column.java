package io.ferry.admin;

import java.util.List;

/**
 * A column of {@code show stat}: HAProxy 2.6's name, position and type tags (origin, nature, scope,
 * as {@code show stat typed} prints them), for the first 51 columns of its CSV.
 */
record Column(int pos, String name, String tags, String type) {

    /** HAProxy 2.6's first 51 columns, in its order (pxname .. srv_abrt). */
    static final List<Column> ALL = List.of(
            c(0, "pxname", "KNS", "str"), c(1, "svname", "KNS", "str"), c(2, "qcur", "MGP", "u32"),
            c(3, "qmax", "MMP", "u32"), c(4, "scur", "MGP", "u32"), c(5, "smax", "MMP", "u32"),
            c(6, "slim", "CLP", "u32"), c(7, "stot", "MCP", "u64"), c(8, "bin", "MCP", "u64"),
            c(9, "bout", "MCP", "u64"), c(10, "dreq", "MCP", "u64"), c(11, "dresp", "MCP", "u64"),
            c(12, "ereq", "MCP", "u64"), c(13, "econ", "MCP", "u64"), c(14, "eresp", "MCP", "u64"),
            c(15, "wretr", "MCP", "u64"), c(16, "wredis", "MCP", "u64"), c(17, "status", "SGP", "str"),
            c(18, "weight", "MaP", "u32"), c(19, "act", "SGP", "u32"), c(20, "bck", "SGP", "u32"),
            c(21, "chkfail", "MCP", "u64"), c(22, "chkdown", "MCP", "u64"), c(23, "lastchg", "MAP", "u32"),
            c(24, "downtime", "MCP", "u32"), c(25, "qlimit", "CLP", "u32"), c(26, "pid", "KGP", "u32"),
            c(27, "iid", "KGS", "u32"), c(28, "sid", "KGS", "u32"), c(29, "throttle", "MaP", "u32"),
            c(30, "lbtot", "MCP", "u64"), c(31, "tracked", "CGS", "str"), c(32, "type", "CGS", "u32"),
            c(33, "rate", "MRP", "u32"), c(34, "rate_lim", "CLP", "u32"), c(35, "rate_max", "MMP", "u32"),
            c(36, "check_status", "MOP", "str"), c(37, "check_code", "MOP", "u32"),
            c(38, "check_duration", "MDP", "u64"), c(39, "hrsp_1xx", "MCP", "u64"), c(40, "hrsp_2xx", "MCP", "u64"),
            c(41, "hrsp_3xx", "MCP", "u64"), c(42, "hrsp_4xx", "MCP", "u64"), c(43, "hrsp_5xx", "MCP", "u64"),
            c(44, "hrsp_other", "MCP", "u64"), c(45, "hanafail", "MCP", "u64"), c(46, "req_rate", "MRP", "u32"),
            c(47, "req_rate_max", "MMP", "u32"), c(48, "req_tot", "MCP", "u64"), c(49, "cli_abrt", "MCP", "u64"),
            c(50, "srv_abrt", "MCP", "u64"));

    private static Column c(int pos, String name, String tags, String type) {
        return new Column(pos, name, tags, type);
    }

    /** The CSV header line, as HAProxy prints it (with its trailing comma). */
    static String header() {
        StringBuilder b = new StringBuilder("# ");
        for (Column c : ALL) {
            b.append(c.name).append(',');
        }
        return b.toString();
    }

    String origin() {
        return switch (tags.charAt(0)) {
            case 'M' -> "Metric";
            case 'S' -> "Status";
            case 'K' -> "Key";
            case 'C' -> "Config";
            default -> "Product";
        };
    }

    String nature() {
        return switch (tags.charAt(1)) {
            case 'G' -> "Gauge";
            case 'L' -> "Limit";
            case 'M' -> "Max";
            case 'R' -> "Rate";
            case 'C' -> "Counter";
            case 'D' -> "Duration";
            case 'A' -> "Age";
            case 'T' -> "Time";
            case 'N' -> "Name";
            case 'O' -> "Output";
            default -> "Avg";
        };
    }

    String scope() {
        return tags.charAt(2) == 'S' ? "Service" : tags.charAt(2) == 's' ? "System" : "Process";
    }
}
