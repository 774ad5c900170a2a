package io.ferry.config;

/** Mutable settings of one {@code bind} line while its options are read. */
final class BindBuilder {
    String name = "";
    int maxconn;
    long tcpUserTimeoutMs;
    int backlog;
    int unixMode = -1;
    String unixUser;
    int unixUid = -1;
    String unixGroup;
    int unixGid = -1;
    boolean v6only;
}
