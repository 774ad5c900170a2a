package io.ferry.cli;

/** The text {@code ferry -h} prints, in the layout of HAProxy's. */
final class Usage {

    static final String TEXT = """
            Usage : ferry [-f <cfgfile|cfgdir>]* [ -vdD ] [ -p <pidfile> ] [ -L <name> ] [-- <cfgfile>*]
                    ferry demo [ --port <port> ] [ --print-config ] [ -d ] [ -q ]
                    -v displays version ; -vv shows build facts and the feature list.
                    -d enters debug mode (foreground, debug logging) ; -db only disables background mode.
                    -D goes daemon ; -p writes the daemon's pid to this file.
                    -W master-worker mode (accepted: Ferry is always one process).
                    -q quiet mode : don't display warnings and notices ; -V undoes -q.
                    -c check mode : only check config files and exit, with the advisor's findings
                    --explain (with -c) prints each frontend's timeline of timeouts
                    --format json (with -c) prints the result as one JSON document
                    -cc check condition : evaluate a condition and exit (0 true, 1 false, 2 malformed)
                    -L set local peer name (default to hostname), seen as HAPROXY_LOCALPEER
                    -dW fails if any warning is emitted
                    -dD diagnostic mode : also print .diag messages
                    demo runs Ferry, a static site and a WebSocket chat in one process (port 8080) ;
                    --print-config also prints the configuration it runs
            """;

    private Usage() {
    }
}
