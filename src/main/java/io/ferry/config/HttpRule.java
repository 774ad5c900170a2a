package io.ferry.config;

/**
 * One {@code http-request} or {@code http-response} rule: an action and an optional condition
 * (null when the rule always applies).
 */
public record HttpRule(HttpAction action, Acl.Condition condition, Location location) {
}
