package io.ferry.config;

/** A {@code server NAME ADDRESS [options]} line. */
public record Server(String name, Address address, ServerOptions options, Location location) {
}
