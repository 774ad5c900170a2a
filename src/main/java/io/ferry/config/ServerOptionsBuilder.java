package io.ferry.config;

import java.net.InetAddress;

/** Mutable {@link ServerOptions} for {@code default-server} and {@code server} lines. */
final class ServerOptionsBuilder {

    int weight;
    boolean backup;
    boolean disabled;
    int maxconn;
    int maxqueue;
    boolean check;
    long inter;
    long fastinter;
    long downinter;
    int rise;
    int fall;
    int checkPort;
    InetAddress checkAddress;
    boolean checkSendProxy;
    long slowstart;
    ServerOptions.Observe observe;
    int errorLimit;
    ServerOptions.OnError onError;
    boolean onMarkedDownShutdownSessions;
    boolean onMarkedUpShutdownBackupSessions;
    long tcpUserTimeoutMs;

    ServerOptionsBuilder(ServerOptions o) {
        weight = o.weight();
        backup = o.backup();
        disabled = o.disabled();
        maxconn = o.maxconn();
        maxqueue = o.maxqueue();
        check = o.check();
        inter = o.inter();
        fastinter = o.fastinter();
        downinter = o.downinter();
        rise = o.rise();
        fall = o.fall();
        checkPort = o.checkPort();
        checkAddress = o.checkAddress();
        checkSendProxy = o.checkSendProxy();
        slowstart = o.slowstart();
        observe = o.observe();
        errorLimit = o.errorLimit();
        onError = o.onError();
        onMarkedDownShutdownSessions = o.onMarkedDownShutdownSessions();
        onMarkedUpShutdownBackupSessions = o.onMarkedUpShutdownBackupSessions();
        tcpUserTimeoutMs = o.tcpUserTimeoutMs();
    }

    ServerOptions build() {
        return new ServerOptions(weight, backup, disabled, maxconn, maxqueue, check, inter, fastinter, downinter,
                rise, fall, checkPort, checkAddress, checkSendProxy, slowstart, observe, errorLimit, onError,
                onMarkedDownShutdownSessions, onMarkedUpShutdownBackupSessions, tcpUserTimeoutMs);
    }
}
