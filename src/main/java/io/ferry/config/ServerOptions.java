package io.ferry.config;

import java.net.InetAddress;

/**
 * The settings of a {@code server} line, after {@code default-server} was applied. Times are in
 * milliseconds; 0 means unset where noted.
 *
 * @param weight 0..256, default 1
 * @param maxconn concurrent connections to the server, 0 for no limit
 * @param maxqueue streams that may wait for this server, 0 for no limit
 * @param fastinter check interval while a state change is pending, 0 means {@code inter}
 * @param downinter check interval while DOWN, 0 means {@code inter}
 * @param checkPort the port checks connect to, 0 for the server's port
 * @param checkAddress the address checks connect to, null for the server's address
 * @param slowstart ramp-up time after coming back UP, 0 for none
 * @param tcpUserTimeoutMs TCP_USER_TIMEOUT on connections to the server, 0 when unset
 */
public record ServerOptions(int weight, boolean backup, boolean disabled, int maxconn, int maxqueue,
                            boolean check, long inter, long fastinter, long downinter, int rise, int fall,
                            int checkPort, InetAddress checkAddress, boolean checkSendProxy, long slowstart,
                            Observe observe, int errorLimit, OnError onError, boolean onMarkedDownShutdownSessions,
                            boolean onMarkedUpShutdownBackupSessions, long tcpUserTimeoutMs) {

    /** {@code observe}: which traffic counts as errors for a server's health. */
    public enum Observe { NONE, LAYER4, LAYER7 }

    /** {@code on-error}: what to do when {@code error-limit} is reached. */
    public enum OnError { FASTINTER, FAIL_CHECK, SUDDEN_DEATH, MARK_DOWN }

    /** HAProxy's defaults: weight 1, inter 2s, rise 2, fall 3, error-limit 10, on-error fail-check. */
    public static final ServerOptions DEFAULTS = new ServerOptions(1, false, false, 0, 0, false, 2000, 0, 0, 2, 3,
            0, null, false, 0, Observe.NONE, 10, OnError.FAIL_CHECK, false, false, 0);
}
