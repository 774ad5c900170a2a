package io.ferry.config;

/**
 * One listening address of a {@code bind} line (a line with several addresses or a port range gives
 * several binds).
 *
 * @param maxconn the bind's own connection limit, 0 when unset
 * @param tcpUserTimeoutMs {@code tcp-ut}: TCP_USER_TIMEOUT for accepted sockets, 0 when unset
 * @param backlog the listen backlog, 0 for the default
 * @param unixMode {@code mode} for a unix socket, as an octal number, -1 when unset
 * @param unixUser {@code user}: the owner of a unix socket by name, null when unset
 * @param unixUid {@code uid}: the owner of a unix socket by number, -1 when unset
 * @param unixGroup {@code group}: the group of a unix socket by name, null when unset
 * @param unixGid {@code gid}: the group of a unix socket by number, -1 when unset
 * @param v6only {@code v6only}: an IPv6 wildcard listens on IPv6 only
 */
public record Bind(Address address, String name, int maxconn, long tcpUserTimeoutMs, int backlog, int unixMode,
                   String unixUser, int unixUid, String unixGroup, int unixGid, boolean v6only, Location location) {

    /** Whether any option of a unix socket's file (mode, owner, group) is set. */
    public boolean hasUnixFileOptions() {
        return unixMode >= 0 || unixUser != null || unixUid >= 0 || unixGroup != null || unixGid >= 0;
    }
}
