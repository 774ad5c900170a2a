package io.ferry.config;

/** {@code mode http} or {@code mode tcp}. */
public enum Mode { HTTP, TCP }
