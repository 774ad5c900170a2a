package io.ferry.config;

/** {@code capture request|response header NAME len N}. */
public record Capture(Direction direction, String header, int length, Location location) {

    public enum Direction { REQUEST, RESPONSE }
}
