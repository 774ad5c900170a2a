package io.ferry.config;

/**
 * {@code balance ALGORITHM [ARGS]} and {@code hash-type}.
 *
 * @param argument the header name for {@code hdr(NAME)}, the parameter for {@code url_param NAME};
 *                 empty otherwise
 * @param draws for {@code random(N)}: how many servers are drawn to pick the least loaded, default 2
 * @param uriWhole {@code balance uri whole}: hash the whole URI, query string included
 * @param uriPathOnly {@code balance uri path-only}: hash the path only, without the authority
 * @param hashType how a hash picks a server
 * @param hashFunction the hash function of {@code hash-type}, default {@link HashFunction#SDBM}
 * @param avalanche {@code hash-type ... avalanche}: mix the hash before use
 */
public record Balance(Algorithm algorithm, String argument, int draws, boolean uriWhole, boolean uriPathOnly,
                      HashType hashType, HashFunction hashFunction, boolean avalanche) {

    public enum Algorithm { ROUNDROBIN, STATIC_RR, LEASTCONN, FIRST, SOURCE, URI, URL_PARAM, HDR, RANDOM }

    public enum HashType { MAP_BASED, CONSISTENT }

    public enum HashFunction { SDBM, DJB2, WT6, CRC32 }

    public static final Balance DEFAULT =
            new Balance(Algorithm.ROUNDROBIN, "", 2, false, false, HashType.MAP_BASED, HashFunction.SDBM, false);

    /** This balance with another algorithm and its arguments; the hash settings are kept. */
    Balance withAlgorithm(Algorithm a, String arg, int n, boolean whole, boolean pathOnly) {
        return new Balance(a, arg, n, whole, pathOnly, hashType, hashFunction, avalanche);
    }

    /** This balance with other hash settings; the algorithm is kept. */
    Balance withHash(HashType type, HashFunction function, boolean mix) {
        return new Balance(algorithm, argument, draws, uriWhole, uriPathOnly, type, function, mix);
    }
}
