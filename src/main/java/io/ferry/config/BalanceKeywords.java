package io.ferry.config;

import java.util.Locale;

/** {@code balance} and {@code hash-type}. */
final class BalanceKeywords {

    private static final String ALGORITHMS = "roundrobin, static-rr, leastconn, first, source, uri, url_param NAME, "
            + "hdr(NAME) or random";

    private BalanceKeywords() {
    }

    static void register(KeywordRegistry r) {
        r.add("balance", "d l b", "balance roundrobin|static-rr|leastconn|first|source|uri [whole] [path-only]|"
                + "url_param NAME|hdr(NAME)|random[(DRAWS)]", line -> {
            line.expectArgs(1, 3);
            String a = line.arg(0);
            ProxyBuilder p = line.proxy();
            Balance.Algorithm simple = switch (a) {
                case "roundrobin" -> Balance.Algorithm.ROUNDROBIN;
                case "static-rr" -> Balance.Algorithm.STATIC_RR;
                case "leastconn" -> Balance.Algorithm.LEASTCONN;
                case "first" -> Balance.Algorithm.FIRST;
                case "source" -> Balance.Algorithm.SOURCE;
                case "random" -> Balance.Algorithm.RANDOM;
                default -> null;
            };
            if (simple != null) {
                line.expectArgs(1, 1);
                p.balance = p.balance.withAlgorithm(simple, "", 2, false, false);
            } else if (a.equals("uri")) {
                boolean whole = false;
                boolean pathOnly = false;
                for (String w : line.args(1)) {
                    switch (w) {
                        case "whole" -> whole = true;
                        case "path-only" -> pathOnly = true;
                        default -> throw new ConfigProblem("'balance uri' option '" + w + "' is not supported by Ferry",
                                "use 'whole' and/or 'path-only'");
                    }
                }
                p.balance = p.balance.withAlgorithm(Balance.Algorithm.URI, "", 2, whole, pathOnly);
            } else if (a.equals("url_param")) {
                if (line.argCount() < 2) {
                    throw new ConfigProblem("balance url_param requires an URL parameter name",
                            "write e.g. 'balance url_param userid'");
                }
                line.expectArgs(2, 2);
                p.balance = p.balance.withAlgorithm(Balance.Algorithm.URL_PARAM, line.arg(1), 2, false, false);
            } else if (a.startsWith("hdr(") && a.endsWith(")") && a.length() > 5) {
                line.expectArgs(1, 1);
                String header = HttpRuleKeywords.headerName(a.substring(4, a.length() - 1));
                p.balance = p.balance.withAlgorithm(Balance.Algorithm.HDR, header, 2, false, false);
            } else if (a.startsWith("random(") && a.endsWith(")")) {
                line.expectArgs(1, 1);
                int draws = (int) Values.integer(a.substring(7, a.length() - 1), "balance random", 1, 100);
                p.balance = p.balance.withAlgorithm(Balance.Algorithm.RANDOM, "", draws, false, false);
            } else if (a.startsWith("rdp-cookie")) {
                throw new ConfigProblem("'balance rdp-cookie' is not supported by Ferry", "use one of " + ALGORITHMS);
            } else {
                throw new ConfigProblem("balance only supports " + ALGORITHMS + " (got '" + a + "')",
                        a.equals("hdr") ? "write the header name in parentheses, e.g. 'balance hdr(host)'"
                                : "write it as: " + line.syntax());
            }
        });
        r.add("hash-type", "d l b", "hash-type map-based|consistent [sdbm|djb2|wt6|crc32] [avalanche]", line -> {
            line.expectArgs(1, 3);
            Balance.HashType type = switch (line.arg(0)) {
                case "map-based" -> Balance.HashType.MAP_BASED;
                case "consistent" -> Balance.HashType.CONSISTENT;
                default -> throw new ConfigProblem("'hash-type' only supports 'consistent' and 'map-based' (got '"
                        + line.arg(0) + "')", "write e.g. 'hash-type consistent'");
            };
            Balance.HashFunction function = Balance.HashFunction.SDBM;
            boolean avalanche = false;
            if (line.argCount() > 1) {
                try {
                    function = Balance.HashFunction.valueOf(line.arg(1).toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new ConfigProblem("'hash-type' only supports the hash functions 'sdbm', 'djb2', 'crc32' and "
                            + "'wt6' (got '" + line.arg(1) + "')", "write it as: " + line.syntax());
                }
            }
            if (line.argCount() > 2) {
                if (!line.arg(2).equals("avalanche")) {
                    throw new ConfigProblem("'hash-type' only supports the modifier 'avalanche' (got '" + line.arg(2) + "')",
                            "write it as: " + line.syntax());
                }
                avalanche = true;
            }
            line.proxy().balance = line.proxy().balance.withHash(type, function, avalanche);
        });
    }
}
