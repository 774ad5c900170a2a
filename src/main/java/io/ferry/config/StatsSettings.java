package io.ferry.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A proxy's stats page settings ({@code stats enable}, {@code stats uri}, ...). Any {@code stats}
 * keyword of a proxy enables the page, as in HAProxy.
 *
 * @param uri the page's path prefix, HAProxy's default {@code /haproxy?stats}
 * @param credentials {@code user:password} pairs from {@code stats auth}; empty for no authentication
 * @param realm the authentication realm; empty for the default
 * @param refreshMs automatic page refresh, 0 for none
 * @param admin the condition under which the page may change server states, null for never
 * @param showLegends {@code stats show-legends}: explain the states and show server addresses
 * @param location the line that enabled the page
 */
public record StatsSettings(boolean enabled, String uri, List<String> credentials, String realm, long refreshMs,
                            Acl.Condition admin, boolean hideVersion, boolean showLegends, Location location) {

    public static final StatsSettings DISABLED =
            new StatsSettings(false, "/haproxy?stats", List.of(), "", 0, null, false, false, Location.NONE);

    /** Mutable copy used while a section is parsed. */
    static final class Builder {
        String uri;
        final List<String> credentials;
        String realm;
        long refreshMs;
        Acl.Condition admin;
        boolean hideVersion;
        boolean showLegends;

        Builder(StatsSettings s) {
            uri = s.uri;
            credentials = new ArrayList<>(s.credentials);
            realm = s.realm;
            refreshMs = s.refreshMs;
            admin = s.admin;
            hideVersion = s.hideVersion;
            showLegends = s.showLegends;
        }

        StatsSettings build(Location location) {
            return new StatsSettings(true, uri, List.copyOf(credentials), realm, refreshMs, admin, hideVersion,
                    showLegends, location);
        }
    }
}
