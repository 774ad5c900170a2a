package io.ferry.config;

import java.util.List;

/**
 * A proxy's stats page settings ({@code stats enable}, {@code stats uri}, ...).
 *
 * @param uri the page's path prefix, HAProxy's default {@code /haproxy?stats}
 * @param credentials {@code user:password} pairs from {@code stats auth}; empty for no authentication
 * @param refreshMs automatic page refresh, 0 for none
 * @param admin the condition under which the page may change server states, null for never
 */
public record StatsSettings(boolean enabled, String uri, List<String> credentials, String realm, long refreshMs,
                            Acl.Condition admin, boolean hideVersion, Location location) {

    public static final StatsSettings DISABLED =
            new StatsSettings(false, "/haproxy?stats", List.of(), "", 0, null, false, Location.NONE);
}
