package io.ferry.config;

/**
 * One listening address of a {@code bind} line (a line with several addresses or a port range gives
 * several binds).
 *
 * @param maxconn the bind's own connection limit, 0 when unset
 * @param tcpUserTimeoutMs {@code tcp-ut}: TCP_USER_TIMEOUT for accepted sockets, 0 when unset
 * @param backlog the listen backlog, 0 for the default
 * @param unixMode {@code mode} for a unix socket, as an octal number, -1 when unset
 * @param v6only {@code v6only}: an IPv6 wildcard listens on IPv6 only
 */
public record Bind(Address address, String name, int maxconn, long tcpUserTimeoutMs, int backlog, int unixMode,
                   boolean v6only, Location location) {
}
