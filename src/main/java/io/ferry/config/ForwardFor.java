package io.ferry.config;

/**
 * {@code option forwardfor [except NETWORK] [header NAME] [if-none]}.
 *
 * @param except clients in this network get no header; null for none
 * @param header the header to add, default {@link #DEFAULT_HEADER}
 * @param ifNone add it only when the request has none
 */
public record ForwardFor(Acl.Network except, String header, boolean ifNone, Location location) {

    public static final String DEFAULT_HEADER = "X-Forwarded-For";
}
