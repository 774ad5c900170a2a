package io.ferry.admin;

import io.ferry.balance.BackendServer;
import io.ferry.balance.ServerState;
import io.ferry.config.Mode;
import io.ferry.config.Proxy;
import io.ferry.proxy.Backend;
import io.ferry.proxy.Ferry;
import io.ferry.proxy.Frontend;
import io.ferry.proxy.ProxyCounters;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code show stat}: a {@code FRONTEND} row per frontend, then for each backend a row per server and
 * a {@code BACKEND} row, in configuration order, in HAProxy's columns ({@link Column}). A column Ferry
 * cannot fill (rates, throttling, tracking) is empty, as HAProxy leaves a column that does not
 * apply. Rendered as CSV, {@code typed} lines or JSON.
 */
final class StatTable {

    /** One row: its object type ({@code F}, {@code B} or {@code S}), ids, and a value per column (null: empty). */
    record Row(char type, int proxyId, int serverId, String[] values) {
    }

    private StatTable() {
    }

    static List<Row> rows(Ferry ferry) {
        List<Row> rows = new ArrayList<>();
        for (Frontend f : ferry.frontends()) {
            rows.add(frontend(ferry, f));
        }
        for (Backend b : ferry.backends()) {
            for (BackendServer s : b.servers()) {
                rows.add(server(b, s));
            }
            rows.add(backend(b));
        }
        return rows;
    }

    private static Row frontend(Ferry ferry, Frontend f) {
        String[] v = new String[Column.ALL.size()];
        ProxyCounters c = f.counters();
        common(v, f.name(), "FRONTEND", c, f.model(), f.id(), 0, 0);
        v[6] = f.maxconn() > 0 ? n(f.maxconn()) : null;
        v[10] = "0";
        v[11] = "0";
        v[12] = n(c.requestErrors());
        v[17] = f.maxconn() > 0 && c.current() >= f.maxconn() ? "FULL" : "OPEN";
        return new Row('F', f.id(), 0, v);
    }

    private static Row server(Backend b, BackendServer s) {
        String[] v = new String[Column.ALL.size()];
        ProxyCounters c = b.counters(s);
        common(v, b.name(), s.name(), c, b.model(), b.id(), s.id(), 2);
        v[2] = "0";
        v[3] = "0";
        v[6] = s.maxconn() > 0 ? n(s.maxconn()) : null;
        v[11] = "0";
        responseErrors(v, c);
        ServerState st = s.state();
        v[17] = st.status();
        v[18] = n(s.currentWeight());
        v[29] = s.throttle() >= 0 ? n(s.throttle()) : null;
        v[19] = s.backup() ? "0" : "1";
        v[20] = s.backup() ? "1" : "0";
        if (st.checked()) {
            v[21] = n(st.failedChecks());
            v[22] = n(st.downTransitions());
            v[24] = n(st.downtimeSeconds());
            ServerState.LastCheck last = st.lastCheck();
            if (last != null) {
                v[36] = last.status();
                v[37] = last.code() >= 0 ? n(last.code()) : null;
                v[38] = last.durationMs() >= 0 ? n(last.durationMs()) : null;
            }
            if (s.observedHealth() != null) {
                v[45] = n(st.analyzeFailures());
            }
        }
        v[23] = n(st.lastChangeSeconds());
        v[25] = s.maxqueue() > 0 ? n(s.maxqueue()) : null;
        v[30] = n(c.selected());
        return new Row('S', b.id(), s.id(), v);
    }

    private static Row backend(Backend b) {
        String[] v = new String[Column.ALL.size()];
        ProxyCounters c = b.counters();
        common(v, b.name(), "BACKEND", c, b.model(), b.id(), 0, 1);
        v[2] = n(b.queued());
        v[3] = n(b.queueMax());
        v[10] = "0";
        v[11] = "0";
        responseErrors(v, c);
        UsableServers u = UsableServers.of(b);
        v[17] = u.status();
        v[18] = n(u.weight());
        v[19] = n(u.active());
        v[20] = n(u.backup());
        v[25] = b.queueLimit() > 0 ? n(b.queueLimit()) : null;
        v[30] = n(c.selected());
        return new Row('B', b.id(), 0, v);
    }

    /** The columns every row fills the same way. */
    private static void common(String[] v, String px, String sv, ProxyCounters c, Proxy model, int iid, int sid,
                               int type) {
        v[0] = px;
        v[1] = sv;
        v[4] = n(c.current());
        v[5] = n(c.max());
        v[7] = n(c.total());
        v[8] = n(c.bytesIn());
        v[9] = n(c.bytesOut());
        v[26] = "1";
        v[27] = n(iid);
        v[28] = n(sid);
        v[32] = n(type);
        if (model.mode().value() == Mode.HTTP) {
            for (int cls = 1; cls <= 6; cls++) {
                v[38 + cls] = n(c.responses(cls));
            }
            v[48] = n(c.requests());
        }
    }

    private static void responseErrors(String[] v, ProxyCounters c) {
        v[13] = n(c.connectionErrors());
        v[14] = n(c.responseErrors());
        v[15] = n(c.retries());
        v[16] = n(c.redispatches());
        v[49] = n(c.clientAborts());
        v[50] = n(c.serverAborts());
    }

    private static String n(long value) {
        return Long.toString(value);
    }

    // ---- renderings ----------------------------------------------------------------------------

    static String csv(List<Row> rows) {
        StringBuilder b = new StringBuilder(Column.header()).append('\n');
        for (Row r : rows) {
            for (String value : r.values) {
                if (value != null) {
                    b.append(csvField(value));
                }
                b.append(',');
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** HAProxy quotes nothing; a comma or line break in a name would break the row, so it is replaced. */
    private static String csvField(String v) {
        return v.replace(',', ' ').replace('\n', ' ');
    }

    /** {@code show stat typed}: one {@code F.iid.sid.pos.name.1:TAGS:type:value} line per filled field. */
    static String typed(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        for (Row r : rows) {
            for (Column c : Column.ALL) {
                String value = r.values[c.pos()];
                if (value != null) {
                    b.append(r.type).append('.').append(r.proxyId).append('.').append(r.serverId).append('.')
                            .append(c.pos()).append('.').append(c.name()).append(".1:").append(c.tags()).append(':')
                            .append(c.type()).append(':').append(value).append('\n');
                }
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** {@code show stat json}: HAProxy's array of rows, each an array of filled fields. */
    static String json(List<Row> rows) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            b.append(i == 0 ? "" : ",").append('[');
            boolean first = true;
            for (Column c : Column.ALL) {
                String value = r.values[c.pos()];
                if (value == null) {
                    continue;
                }
                b.append(first ? "" : ",");
                first = false;
                String objType = r.type == 'F' ? "Frontend" : r.type == 'B' ? "Backend" : "Server";
                b.append("{\"objType\":\"").append(objType).append("\",\"proxyId\":").append(r.proxyId)
                        .append(",\"id\":").append(r.serverId).append(",\"field\":{\"pos\":").append(c.pos())
                        .append(",\"name\":\"").append(c.name()).append("\"},\"processNum\":1,\"tags\":{\"origin\":\"")
                        .append(c.origin()).append("\",\"nature\":\"").append(c.nature()).append("\",\"scope\":\"")
                        .append(c.scope()).append("\"},\"value\":{\"type\":\"").append(c.type()).append("\",\"value\":")
                        .append(c.type().equals("str") ? io.ferry.config.Json.quote(value) : value).append("}}");
            }
            b.append(']');
        }
        return b.append("]\n").toString();
    }
}
