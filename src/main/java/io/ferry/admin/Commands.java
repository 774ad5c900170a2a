package io.ferry.admin;

import io.ferry.balance.BackendServer;
import io.ferry.balance.ServerState;
import io.ferry.proxy.Backend;
import io.ferry.proxy.Ferry;
import io.ferry.proxy.Frontend;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime API's commands, with the level each needs (as HAProxy 2.6 sets them) and the answers
 * HAProxy gives, word for word, for its errors. Each command returns its whole output; the caller
 * adds the empty line that ends every answer.
 */
final class Commands {

    private static final Logger LOG = LoggerFactory.getLogger(Commands.class);

    static final String PERMISSION_DENIED = "Permission denied\n";

    /** A command: its leading words, the level it needs, its help line, and what it does. */
    private record Command(String words, Level level, String help, Action action) {
    }

    @FunctionalInterface
    private interface Action {
        String run(List<String> args);
    }

    private final Ferry ferry;
    private final List<Command> commands = new ArrayList<>();

    Commands(Ferry ferry) {
        this.ferry = ferry;
        add("help", Level.USER, "help [<command>]                        : list matching or all commands", a -> null);
        add("prompt", Level.USER, "prompt                                  : toggle interactive mode with prompt",
                a -> null);
        add("quit", Level.USER, "quit                                    : disconnect", a -> null);
        add("show info", Level.USER, "show info                               : report information about the running process",
                a -> a.isEmpty() ? Info.text(ferry) : "Ferry's 'show info' takes no argument (got '" + a.get(0)
                        + "').\n");
        add("show stat", Level.USER, "show stat [typed|json]                  : report counters for each proxy and server",
                this::showStat);
        add("show servers state", Level.USER,
                "show servers state [<backend>]          : dump volatile server information (all or for a single backend)",
                a -> ServersState.text(ferry, a.isEmpty() ? null : a.get(0)));
        add("show cli level", Level.USER, "show cli level                          : display the level of the current CLI session",
                a -> null);
        add("show sess", Level.OPERATOR,
                "show sess [all|<id>]                    : report the list of current sessions or dump this exact session",
                a -> Sessions.text(ferry, a.isEmpty() ? null : a.get(0)));
        add("show errors", Level.OPERATOR,
                "show errors [<px>] [request|response]  : report last request and/or response errors for each proxy",
                a -> Errors.text(ferry, a));
        add("disable server", Level.ADMIN, "disable server <bk>/<srv>               : disable a server for maintenance",
                a -> serverState(a, ServerState.Admin.MAINT));
        add("enable server", Level.ADMIN, "enable server <bk>/<srv>                : enable a disabled server",
                a -> serverState(a, ServerState.Admin.READY));
        add("set server", Level.ADMIN, "set server <bk>/<srv> state|weight ...  : change a server's state or weight",
                this::setServer);
        add("set weight", Level.ADMIN, "set weight <bk>/<srv> <weight>          : change a server's weight",
                a -> a.size() < 2 ? "Require <backend>/<server> and <weight> or <weight%>.\n"
                        : weight(a.get(0), a.get(1)));
        add("set maxconn global", Level.ADMIN, "set maxconn global <value>              : change the per-process maxconn setting",
                this::maxconnGlobal);
        add("set maxconn frontend", Level.ADMIN,
                "set maxconn frontend <frontend> <value> : change a frontend's maxconn setting", this::maxconnFrontend);
        add("shutdown sessions server", Level.ADMIN,
                "shutdown sessions server <bk>/<srv>     : kill sessions on a server", this::shutdownServer);
        add("shutdown session", Level.ADMIN, "shutdown session <id>                   : kill a specific session",
                this::shutdownSession);
    }

    private void add(String words, Level level, String help, Action action) {
        commands.add(new Command(words, level, help, action));
    }

    /** The output of one command line (without the empty line ending it), or null for {@code quit}. */
    String run(String line, Session session) {
        List<String> words = List.of(line.trim().split("\\s+"));
        Command match = null;
        for (Command c : commands) {
            List<String> w = List.of(c.words.split(" "));
            if (words.size() >= w.size() && words.subList(0, w.size()).equals(w)
                    && (match == null || w.size() > match.words.split(" ").length)) {
                match = c;
            }
        }
        if (match == null) {
            return unknown(words, session.level);
        }
        if (!session.level.allows(match.level)) {
            return PERMISSION_DENIED;
        }
        List<String> args = words.subList(match.words.split(" ").length, words.size());
        switch (match.words) {
            case "help" -> {
                return args.isEmpty() ? help(session.level) : matching(args, session.level);
            }
            case "prompt" -> {
                session.prompt = !session.prompt;
                return "";
            }
            case "quit" -> {
                return null;
            }
            case "show cli level" -> {
                return session.level.word() + "\n";
            }
            default -> {
                String out = match.action.run(args);
                return out == null ? "" : out;
            }
        }
    }

    private String unknown(List<String> words, Level level) {
        String first = words.isEmpty() ? "" : words.get(0);
        StringBuilder b = new StringBuilder();
        for (Command c : commands) {
            if (level.allows(c.level) && c.words.split(" ")[0].equals(first)) {
                b.append("  ").append(c.help).append('\n');
            }
        }
        return b.length() == 0 ? "Unknown command. " + help(level)
                : "Unknown command, but maybe one of the following ones is a better match:\n" + b;
    }

    /** {@code help WORDS}: the commands of the level that start with those words. */
    private String matching(List<String> args, Level level) {
        String prefix = String.join(" ", args);
        StringBuilder b = new StringBuilder();
        for (Command c : commands) {
            if (level.allows(c.level) && (c.words + " ").startsWith(prefix + " ")) {
                b.append("  ").append(c.help).append('\n');
            }
        }
        return b.length() == 0 ? help(level) : "The following commands are valid at this level:\n" + b;
    }

    private String help(Level level) {
        StringBuilder b = new StringBuilder("The following commands are valid at this level:\n");
        for (Command c : commands) {
            if (level.allows(c.level)) {
                b.append("  ").append(c.help).append('\n');
            }
        }
        return b.toString();
    }

    private String showStat(List<String> args) {
        // HAProxy's filters (proxy, type, server id, up, no-maint) are not applied: refused rather than ignored.
        if (args.size() > 1 || (args.size() == 1 && !args.get(0).equals("typed") && !args.get(0).equals("json"))) {
            return "Ferry's 'show stat' takes only 'typed' or 'json' (got '" + String.join(" ", args) + "').\n";
        }
        List<StatTable.Row> rows = StatTable.rows(ferry);
        if (args.contains("json")) {
            return StatTable.json(rows);
        }
        if (args.contains("typed")) {
            return StatTable.typed(rows);
        }
        return StatTable.csv(rows);
    }

    // ---- servers -------------------------------------------------------------------------------

    /** A {@code backend/server} argument: the server and its backend, or HAProxy's error text. */
    private record Target(Backend backend, BackendServer server, String error) {
    }

    private Target target(List<String> args) {
        if (args.isEmpty() || !args.get(0).contains("/")) {
            return new Target(null, null, "Require 'backend/server'.\n");
        }
        String[] parts = args.get(0).split("/", 2);
        Backend b = backend(parts[0]);
        if (b == null) {
            return new Target(null, null, "No such backend.\n");
        }
        BackendServer s = b.server(parts[1]);
        if (s == null) {
            return new Target(null, null, "No such server.\n");
        }
        return new Target(b, s, null);
    }

    private Backend backend(String name) {
        for (Backend b : ferry.backends()) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        return null;
    }

    private String serverState(List<String> args, ServerState.Admin admin) {
        Target t = target(args);
        if (t.error != null) {
            return t.error;
        }
        changeState(t.backend, t.server, admin, "the runtime API");
        return "";
    }

    /**
     * Sets the administrative state of {@code server}, as {@code set server B/S state} and the stats
     * page's admin form do: a change is logged as made {@code by} them, its consequences follow
     * ({@link Backend#stateChanged}), and a server made ready takes streams waiting in the queue.
     */
    static void changeState(Backend backend, BackendServer server, ServerState.Admin admin, String by) {
        ServerState.Change change = server.state().admin(admin);
        if (change == null) {
            return;
        }
        LOG.warn("Server {}/{} is {} by {}.", backend.name(), server.name(), switch (admin) {
            case MAINT -> "going DOWN for maintenance";
            case DRAIN -> "entering drain mode";
            case READY -> "leaving maintenance or drain mode";
        }, by);
        backend.stateChanged(server, change);
        if (admin == ServerState.Admin.READY) {
            // Streams waiting in the queue may use it now.
            backend.dispatch();
        }
    }

    private String setServer(List<String> args) {
        String usage = "usage: set server <backend>/<server> state | weight\n";
        if (args.size() < 2) {
            return args.isEmpty() ? "Require 'backend/server'.\n" : usage;
        }
        Target t = target(args);
        if (t.error != null) {
            return t.error;
        }
        switch (args.get(1)) {
            case "state" -> {
                String s = args.size() > 2 ? args.get(2) : "";
                return switch (s) {
                    case "ready" -> serverState(args, ServerState.Admin.READY);
                    case "drain" -> serverState(args, ServerState.Admin.DRAIN);
                    case "maint" -> serverState(args, ServerState.Admin.MAINT);
                    default -> "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n";
                };
            }
            case "weight" -> {
                return args.size() > 2 ? weight(args.get(0), args.get(2)) : "Require <weight> or <weight%>.\n";
            }
            default -> {
                return usage;
            }
        }
    }

    /** {@code set server B/S weight W} and {@code set weight B/S W}: absolute, or a percentage of the configured weight. */
    private String weight(String server, String value) {
        Target t = target(List.of(server));
        if (t.error != null) {
            return t.error;
        }
        int w;
        try {
            if (value.endsWith("%")) {
                int pct = Integer.parseInt(value.substring(0, value.length() - 1));
                if (pct < 0) {
                    return "Relative weight must be positive.\n";
                }
                w = (int) Math.min(256, (long) t.server.initialWeight() * pct / 100);
            } else {
                w = Integer.parseInt(value);
            }
        } catch (NumberFormatException e) {
            return "Empty weight string empty or preceded by garbage\n";
        }
        try {
            t.backend.weight(t.server, w);
        } catch (IllegalArgumentException e) {
            return e.getMessage() + "\n";
        }
        if (w > 0) {
            t.backend.dispatch();
        }
        return "";
    }

    // ---- limits and streams --------------------------------------------------------------------

    private static int positive(String s) {
        try {
            int v = Integer.parseInt(s);
            return v >= 0 ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private String maxconnGlobal(List<String> args) {
        int v = args.isEmpty() ? -1 : positive(args.get(0));
        if (v < 0) {
            return "Expects an integer value.\n";
        }
        ferry.maxconn(v);
        return "";
    }

    private String maxconnFrontend(List<String> args) {
        if (args.isEmpty()) {
            return "A frontend name is expected.\n";
        }
        Frontend f = ferry.frontends().stream().filter(x -> x.name().equals(args.get(0))).findFirst().orElse(null);
        if (f == null) {
            return "No such frontend.\n";
        }
        int v = args.size() < 2 ? -1 : positive(args.get(1));
        if (v < 0) {
            return "Integer value expected.\n";
        }
        ferry.maxconn(f, v);
        return "";
    }

    private String shutdownSession(List<String> args) {
        if (args.isEmpty()) {
            return "Session pointer expected (use 'show sess').\n";
        }
        long id = Sessions.parseId(args.get(0));
        if (id < 0 || !ferry.shutdownStream(id)) {
            return "No such session (use 'show sess').\n";
        }
        return "";
    }

    private String shutdownServer(List<String> args) {
        Target t = target(args);
        if (t.error != null) {
            return t.error;
        }
        ferry.shutdownStreams(t.server);
        return "";
    }

    /** The state of one runtime API connection. */
    static final class Session {
        final Level level;
        boolean prompt;

        Session(Level level) {
            this.level = level;
        }
    }
}
