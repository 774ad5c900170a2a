package io.ferry.cli;

import io.ferry.config.Config;
import io.ferry.config.LoadResult;
import io.ferry.demo.DemoOrigins;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ferry demo [--port N] [--print-config]}: starts the demonstration's own origins (a static
 * site and a WebSocket chat, see {@link DemoOrigins}) on ephemeral ports, writes the configuration
 * that puts Ferry in front of them ({@code demo.cfg} with the real ports), and serves it like
 * {@code ferry -f demo.cfg} would, until SIGINT or SIGTERM.
 *
 * <p>The port is {@code --port}, else {@code FERRY_DEMO_PORT}, else 8080; the address is
 * {@code FERRY_DEMO_ADDR}, else 127.0.0.1.
 */
final class DemoCommand {

    static final String RESOURCE = "demo.cfg";
    static final int DEFAULT_PORT = 8080;
    static final String DEFAULT_ADDR = "127.0.0.1";
    static final String PORT_VARIABLE = "FERRY_DEMO_PORT";
    static final String ADDR_VARIABLE = "FERRY_DEMO_ADDR";

    private DemoCommand() {
    }

    static int run(Options options, Map<String, String> env, Console console) {
        int port;
        try {
            port = options.demo().port().isPresent() ? options.demo().port().get()
                    : env.containsKey(PORT_VARIABLE) ? OptionParser.port(env.get(PORT_VARIABLE), PORT_VARIABLE)
                    : DEFAULT_PORT;
        } catch (UsageException e) {
            console.alert(e.getMessage());
            return ExitCodes.FAILURE;
        }
        String addr = env.getOrDefault(ADDR_VARIABLE, DEFAULT_ADDR);
        try (DemoOrigins origins = DemoOrigins.start(DemoOrigins.SILENT_HOLD)) {
            int site = origins.site().address().getPort();
            int chat = origins.chat().address().getPort();
            String text = text(addr, port, site, chat);
            if (options.demo().printConfig()) {
                console.out().print(text);
                console.out().flush();
            }
            LoadResult result = ConfigLoading.loader(options, env).loadText(RESOURCE, text);
            Optional<Config> config = ConfigLoading.report(result, options, console);
            if (config.isEmpty()) {
                return ExitCodes.FAILURE;
            }
            String front = config.get().frontends().get(0).binds().get(0).address().toString();
            console.notice("demo : the built-in configuration is valid; starting frontend 'demo' on " + front
                    + " in front of the demo's site on 127.0.0.1:" + site + " and its chat on 127.0.0.1:" + chat);
            return RunCommand.serve(config.get(), options, List.of(), env, console,
                    " The demo's site and chat run, but this build of Ferry cannot serve all of the configuration"
                            + " in front of them.",
                    () -> {
                        console.out().println("Ferry demo: open http://" + front + "/ in a browser"
                                + " (WebSocket chat on ws://" + front + "/ws, stats page on http://" + front
                                + "/stats, metrics on http://" + front + "/metrics); stop with Ctrl-C");
                        console.out().flush();
                    }, null);
        }
    }

    /** The demonstration's configuration for a frontend on {@code addr:port} and origins on these ports. */
    static String text(String addr, int port, int sitePort, int chatPort) {
        return template()
                .replace("@ADDR@", addr)
                .replace("@PORT@", Integer.toString(port))
                .replace("@SITE_PORT@", Integer.toString(sitePort))
                .replace("@CHAT_PORT@", Integer.toString(chatPort));
    }

    private static String template() {
        try (InputStream in = DemoCommand.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks io/ferry/cli/" + RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
