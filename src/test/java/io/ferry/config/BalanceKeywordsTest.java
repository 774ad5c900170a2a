package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BalanceKeywordsTest extends KeywordTestSupport {

    private static Balance balance(String lines) {
        return backend(load(HTTP_DEFAULTS + "backend b\n" + lines), "b").balance();
    }

    @Test
    void defaultIsRoundRobinWithMapBasedSdbm() {
        assertThat(balance("")).isEqualTo(Balance.DEFAULT);
        assertThat(Balance.DEFAULT.algorithm()).isEqualTo(Balance.Algorithm.ROUNDROBIN);
        assertThat(Balance.DEFAULT.hashType()).isEqualTo(Balance.HashType.MAP_BASED);
        assertThat(Balance.DEFAULT.hashFunction()).isEqualTo(Balance.HashFunction.SDBM);
    }

    @Test
    void simpleAlgorithms() {
        assertThat(balance("    balance static-rr\n").algorithm()).isEqualTo(Balance.Algorithm.STATIC_RR);
        assertThat(balance("    balance leastconn\n").algorithm()).isEqualTo(Balance.Algorithm.LEASTCONN);
        assertThat(balance("    balance first\n").algorithm()).isEqualTo(Balance.Algorithm.FIRST);
        assertThat(balance("    balance source\n").algorithm()).isEqualTo(Balance.Algorithm.SOURCE);
        Balance random = balance("    balance random\n");
        assertThat(random.algorithm()).isEqualTo(Balance.Algorithm.RANDOM);
        assertThat(random.draws()).isEqualTo(2);
        assertThat(balance("    balance random(3)\n").draws()).isEqualTo(3);
    }

    @Test
    void hashedAlgorithmsWithArguments() {
        Balance uri = balance("    balance uri whole path-only\n");
        assertThat(uri.algorithm()).isEqualTo(Balance.Algorithm.URI);
        assertThat(uri.uriWhole()).isTrue();
        assertThat(uri.uriPathOnly()).isTrue();
        Balance plainUri = balance("    balance uri\n");
        assertThat(plainUri.uriWhole()).isFalse();
        assertThat(plainUri.uriPathOnly()).isFalse();
        Balance param = balance("    balance url_param userid\n");
        assertThat(param.algorithm()).isEqualTo(Balance.Algorithm.URL_PARAM);
        assertThat(param.argument()).isEqualTo("userid");
        Balance hdr = balance("    balance hdr(Host)\n");
        assertThat(hdr.algorithm()).isEqualTo(Balance.Algorithm.HDR);
        assertThat(hdr.argument()).isEqualTo("Host");
    }

    @Test
    void hashTypeAndBalanceAreIndependentAndInherited() {
        Config c = load(HTTP_DEFAULTS.replace("defaults\n", "defaults\n    hash-type consistent djb2 avalanche\n") + """
                backend b
                    balance source
                backend c
                    balance uri
                    hash-type map-based
                """);
        Balance b = backend(c, "b").balance();
        assertThat(b.algorithm()).isEqualTo(Balance.Algorithm.SOURCE);
        assertThat(b.hashType()).isEqualTo(Balance.HashType.CONSISTENT);
        assertThat(b.hashFunction()).isEqualTo(Balance.HashFunction.DJB2);
        assertThat(b.avalanche()).isTrue();
        Balance cc = backend(c, "c").balance();
        assertThat(cc.algorithm()).isEqualTo(Balance.Algorithm.URI);
        assertThat(cc.hashType()).isEqualTo(Balance.HashType.MAP_BASED);
        assertThat(cc.hashFunction()).isEqualTo(Balance.HashFunction.SDBM);
        assertThat(cc.avalanche()).isFalse();
    }

    @Test
    void balanceErrors() {
        assertThat(errors(HTTP_DEFAULTS + """
                backend b
                    balance url_param
                    balance hdr
                    balance rdp-cookie
                    balance uri len 3
                    balance leastconn now
                    balance random(0)
                    balance fastest
                """)).containsExactly(
                "parsing [t.cfg:7] : 'balance' : balance url_param requires an URL parameter name. "
                        + "Fix: write e.g. 'balance url_param userid'",
                "parsing [t.cfg:8] : 'balance' : balance only supports roundrobin, static-rr, leastconn, first, source, "
                        + "uri, url_param NAME, hdr(NAME) or random (got 'hdr'). Fix: write the header name in "
                        + "parentheses, e.g. 'balance hdr(host)'",
                "parsing [t.cfg:9] : 'balance' : 'balance rdp-cookie' is not supported by Ferry. Fix: use one of "
                        + "roundrobin, static-rr, leastconn, first, source, uri, url_param NAME, hdr(NAME) or random",
                "parsing [t.cfg:10] : 'balance' : 'balance uri' option 'len' is not supported by Ferry. "
                        + "Fix: use 'whole' and/or 'path-only'",
                "parsing [t.cfg:11] : 'balance' : unexpected extra argument 'now' after 'leastconn'. Fix: write it as: "
                        + "balance roundrobin|static-rr|leastconn|first|source|uri [whole] [path-only]|url_param NAME|"
                        + "hdr(NAME)|random[(DRAWS)]",
                "parsing [t.cfg:12] : 'balance' : value 0 for 'balance random' is out of range. "
                        + "Fix: use a value between 1 and 100",
                "parsing [t.cfg:13] : 'balance' : balance only supports roundrobin, static-rr, leastconn, first, "
                        + "source, uri, url_param NAME, hdr(NAME) or random (got 'fastest'). Fix: write it as: "
                        + "balance roundrobin|static-rr|leastconn|first|source|uri [whole] [path-only]|url_param NAME|"
                        + "hdr(NAME)|random[(DRAWS)]");
    }

    @Test
    void hashTypeErrors() {
        assertThat(errors(HTTP_DEFAULTS + """
                backend b
                    hash-type ring
                    hash-type consistent md5
                    hash-type consistent sdbm mix
                    balance roundrobin
                """)).containsExactly(
                "parsing [t.cfg:7] : 'hash-type' : 'hash-type' only supports 'consistent' and 'map-based' (got 'ring'). "
                        + "Fix: write e.g. 'hash-type consistent'",
                "parsing [t.cfg:8] : 'hash-type' : 'hash-type' only supports the hash functions 'sdbm', 'djb2', 'crc32' "
                        + "and 'wt6' (got 'md5'). Fix: write it as: hash-type map-based|consistent "
                        + "[sdbm|djb2|wt6|crc32] [avalanche]",
                "parsing [t.cfg:9] : 'hash-type' : 'hash-type' only supports the modifier 'avalanche' (got 'mix'). "
                        + "Fix: write it as: hash-type map-based|consistent [sdbm|djb2|wt6|crc32] [avalanche]");
    }

    @Test
    void balanceInAFrontendIsIgnoredWithAWarningAsInHaproxy() {
        assertThat(warnings(HTTP_DEFAULTS + """
                frontend f
                    bind :8000
                    balance roundrobin
                """)).contains("parsing [t.cfg:8] : 'balance' : 'balance' is ignored: it applies to backends, and "
                + "frontend 'f' is not one. Fix: move it to a backend or defaults or listen section, or remove it");
    }

    @Test
    void layer7HashesFallBackToRoundRobinInTcpMode() {
        String text = """
                backend db
                    mode tcp
                    balance hdr(host)
                    hash-type consistent
                """;
        assertThat(warnings(text)).containsExactly("parsing [t.cfg:1] : 'backend' : Layer 7 hash not possible for "
                + "backend 'db' (needs 'mode http'); falling back to round robin. Fix: add 'mode http' to the section, "
                + "or choose 'balance roundrobin', 'leastconn' or 'source'");
        Balance b = backend(load(text), "db").balance();
        assertThat(b.algorithm()).isEqualTo(Balance.Algorithm.ROUNDROBIN);
        assertThat(b.hashType()).isEqualTo(Balance.HashType.CONSISTENT);
    }
}
