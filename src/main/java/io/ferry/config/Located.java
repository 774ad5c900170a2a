package io.ferry.config;

/** A configured value and the line that set it, so that messages and the advisor can point at it. */
public record Located<T>(T value, Location location) {

    public static <T> Located<T> builtIn(T value) {
        return new Located<>(value, Location.NONE);
    }
}
