package io.ferry.config;

/**
 * {@code balance ALGORITHM [ARG]} and {@code hash-type}.
 *
 * @param argument the header name for {@code hdr(NAME)}, the parameter for {@code url_param NAME},
 *                 {@code whole} / {@code path-only} for {@code uri}; empty otherwise
 */
public record Balance(Algorithm algorithm, String argument, HashType hashType) {

    public enum Algorithm { ROUNDROBIN, STATIC_RR, LEASTCONN, FIRST, SOURCE, URI, URL_PARAM, HDR, RANDOM }

    public enum HashType { MAP_BASED, CONSISTENT }

    public static final Balance DEFAULT = new Balance(Algorithm.ROUNDROBIN, "", HashType.MAP_BASED);
}
