package io.ferry.admin;

import io.ferry.balance.BackendServer;
import io.ferry.balance.ServerState;
import io.ferry.proxy.Backend;
import io.ferry.proxy.Ferry;

/**
 * {@code show servers state}: HAProxy's format version 1, one line per server. Fields Ferry has no
 * notion of (agents, forced ids, FQDN, SRV records, SSL) hold HAProxy's values for "none": {@code 0}
 * or {@code -}.
 */
final class ServersState {

    private static final String HEADER = "# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state "
            + "srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health "
            + "srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl "
            + "srv_check_port srv_check_addr srv_agent_addr srv_agent_port";

    private ServersState() {
    }

    /** All backends, or only {@code only}; HAProxy's error text when it does not exist. */
    static String text(Ferry ferry, String only) {
        StringBuilder b = new StringBuilder("1\n").append(HEADER).append('\n');
        boolean found = false;
        for (Backend be : ferry.backends()) {
            if (only != null && !only.equals(be.name())) {
                continue;
            }
            found = true;
            for (BackendServer s : be.servers()) {
                line(b, be, s);
            }
        }
        return only != null && !found ? "Can't find backend.\n" : b.toString();
    }

    private static void line(StringBuilder b, Backend be, BackendServer s) {
        ServerState st = s.state();
        // HAProxy's SRV_ST_*: 0 stopped, 1 starting, 2 running, 3 stopping; SRV_ADMF_*: 0x01 forced maintenance, 0x08 forced drain.
        int op = switch (st.operational()) {
            case DOWN -> 0;
            case UP -> 2;
            case NOLB -> 3;
        };
        int admin = switch (st.admin()) {
            case READY -> 0;
            case MAINT -> 1;
            case DRAIN -> 8;
        };
        // HAProxy's CHK_RES_*: 0 unknown (no check, or none ended yet), 2 failed, 3 passed; CHK_ST 6: configured and enabled.
        ServerState.LastCheck last = st.lastCheck();
        int result = !st.checked() || last == null ? 0 : st.up() ? 3 : 2;
        int checkState = st.checked() ? 6 : 0;
        b.append(be.id()).append(' ').append(be.name()).append(' ').append(s.id()).append(' ').append(s.name())
                .append(' ').append(s.address().getHostAddress()).append(' ').append(op).append(' ').append(admin)
                .append(' ').append(s.weight()).append(' ').append(s.initialWeight()).append(' ')
                .append(st.lastChangeSeconds()).append(' ').append(checkStatus(last)).append(' ').append(result)
                .append(' ').append(st.health()).append(' ').append(checkState).append(" 0 0 0 - ").append(s.port())
                .append(" - 0 0 - - 0\n");
    }

    /** HAProxy 2.6's HCHK_STATUS_* number of the last check's status; 1 (initialising) before any ended. */
    private static int checkStatus(ServerState.LastCheck last) {
        if (last == null) {
            return 1;
        }
        return switch (last.status()) {
            case "HANA" -> 4;
            case "SOCKERR" -> 5;
            case "L4OK" -> 6;
            case "L4TOUT" -> 7;
            case "L4CON" -> 8;
            case "L7TOUT" -> 12;
            case "L7RSP" -> 13;
            case "L7OK" -> 15;
            case "L7STS" -> 17;
            default -> 0;
        };
    }
}
