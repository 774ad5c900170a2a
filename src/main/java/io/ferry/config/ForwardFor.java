package io.ferry.config;

/**
 * {@code option forwardfor [except NETWORK] [header NAME] [if-none]}.
 *
 * @param except clients in this network get no header; null for none
 */
public record ForwardFor(Acl.Network except, String header, boolean ifNone, Location location) {
}
