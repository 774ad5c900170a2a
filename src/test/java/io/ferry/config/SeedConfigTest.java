package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The configurations of the report Ferry was started from: the broken ones are refused with their
 * own {@code file:line}, the others load. Line numbers agree with {@code haproxy -c} (2.6), except
 * for {@code unknown-backend.cfg}, where HAProxy names no line and Ferry names the
 * {@code default_backend} line.
 */
class SeedConfigTest {

    private static final ConfigLoader LOADER = ConfigLoader.builder().environment(Map.of()).build();

    static Path seed(String name) {
        URL url = SeedConfigTest.class.getResource("/seed/" + name);
        assertThat(url).as("test resource seed/%s", name).isNotNull();
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0} is refused at line {1}")
    @CsvSource(delimiter = '|', textBlock = """
            bad-mode.cfg           | 2 | mode           | unknown proxy mode 'smtp'
            bad-port.cfg           | 2 | server         | invalid port '99999' in address '127.0.0.1:99999'
            bad-time-unit.cfg      | 3 | timeout client | unexpected extra argument 'seconds' after '30'
            misspelled-keyword.cfg | 6 | timeout        | unknown keyword 'timeout clinet'
            outside-section.cfg    | 1 | maxconn        | 'maxconn' appears outside of any section
            timer-overflow.cfg     | 3 | timeout client | timer overflow in argument '30d' to 'timeout client'
            unknown-backend.cfg    | 7 | default_backend| refers to backend 'ngnix', which does not exist
            unterminated-quote.cfg | 3 | ''             | unmatched quote at position 27
            """)
    void brokenSeedIsRefusedWithItsOwnLine(String file, int line, String keyword, String message) {
        Path path = seed("broken/" + file);
        LoadResult r = LOADER.load(List.of(path));

        assertThat(r.valid()).as("%s must be refused", file).isEmpty();
        assertThat(r.errors()).as("errors of %s", file).hasSize(1);
        Diagnostic error = r.errors().get(0);
        assertThat(error.location()).isEqualTo(new Location(path.toString(), line));
        assertThat(error.keyword()).isEqualTo(keyword);
        assertThat(error.message()).contains(message);
        assertThat(error.fix()).isNotEmpty();
        assertThat(error.format()).startsWith("[ALERT]").contains("parsing [" + path + ":" + line + "]");
    }

    @Test
    void everyBrokenSeedIsCoveredAbove() throws Exception {
        try (Stream<Path> s = Files.list(seed("broken"))) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
                    "bad-mode.cfg", "bad-port.cfg", "bad-time-unit.cfg", "misspelled-keyword.cfg",
                    "outside-section.cfg", "timer-overflow.cfg", "unknown-backend.cfg", "unterminated-quote.cfg");
        }
    }

    @Test
    void misspelledTimeoutSuggestsTheClosestOne() {
        Diagnostic error = LOADER.load(List.of(seed("broken/misspelled-keyword.cfg"))).errors().get(0);

        assertThat(error.message()).contains("'timeout' supports").contains("(got 'clinet')");
        assertThat(error.fix()).isEqualTo("did you mean 'timeout client'?");
    }

    @Test
    void unknownBackendSuggestsTheDeclaredOne() {
        Diagnostic error = LOADER.load(List.of(seed("broken/unknown-backend.cfg"))).errors().get(0);

        assertThat(error.fix()).isEqualTo("did you mean 'nginx'?");
    }

    @ParameterizedTest
    @ValueSource(strings = {"haproxy-seed.cfg", "haproxy-seed-websocket.cfg", "haproxy-seed-fixed.cfg"})
    void validSeedLoads(String file) {
        LoadResult r = LOADER.load(List.of(seed(file)));

        assertThat(r.errors()).as("errors of %s", file).isEmpty();
        assertThat(r.valid()).isPresent();
    }

    @Test
    void reportFileKeepsItsSettingsAndWarnsAboutNbproc() {
        Path path = seed("haproxy-seed.cfg");
        LoadResult r = LOADER.load(List.of(path));
        Config c = r.valid().orElseThrow();

        assertThat(c.global().maxconn().value()).isEqualTo(500);
        assertThat(c.global().nbproc()).isEqualTo(new Located<>(2, new Location(path.toString(), 9)));
        Proxy all = c.frontend("all").orElseThrow();
        assertThat(all.mode().value()).isEqualTo(Mode.HTTP);
        assertThat(all.binds()).singleElement().satisfies(b -> {
            assertThat(b.address().isWildcard()).isTrue();
            assertThat(b.address().port()).isEqualTo(80);
        });
        assertThat(all.timeout(TimeoutKind.CLIENT).orElseThrow().value()).isEqualTo(86_400_000L);
        assertThat(all.defaultBackend().value()).isEqualTo("nginx");
        Proxy nginx = c.backend("nginx").orElseThrow();
        assertThat(nginx.timeout(TimeoutKind.HTTP_KEEP_ALIVE).orElseThrow().value()).isEqualTo(5000L);
        assertThat(nginx.timeout(TimeoutKind.SERVER).orElseThrow().value()).isEqualTo(10_000L);
        assertThat(nginx.timeout(TimeoutKind.CONNECT).orElseThrow().value()).isEqualTo(4000L);
        assertThat(nginx.servers()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("main");
            assertThat(s.address().port()).isEqualTo(8000);
            assertThat(s.address().address().isLoopbackAddress()).isTrue();
        });

        List<Diagnostic> warnings = r.diagnostics().stream()
                .filter(d -> d.severity() == Diagnostic.Severity.WARNING && d.keyword().equals("nbproc")).toList();
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.location()).isEqualTo(new Location(path.toString(), 9));
            assertThat(w.message()).contains("nbproc is obsolete").contains("2 event-loop threads");
            assertThat(w.fix()).isEqualTo("replace it with 'nbthread 2'");
        });
    }

    @Test
    void websocketSeedRoutesUpgradesToNode() {
        Config c = LOADER.load(List.of(seed("haproxy-seed-websocket.cfg"))).valid().orElseThrow();

        Proxy all = c.frontend("all").orElseThrow();
        assertThat(all.useBackends()).singleElement().satisfies(u -> {
            assertThat(u.backend()).isEqualTo("node");
            assertThat(u.condition().unless()).isFalse();
            Acl.Term term = u.condition().alternatives().get(0).get(0);
            assertThat(term.name()).isEqualTo("is_websocket");
            Acl.Definition d = term.definitions().get(0);
            assertThat(d.fetch().name()).isEqualTo("hdr");
            assertThat(d.fetch().argument()).isEqualTo("Upgrade");
            assertThat(d.ignoreCase()).isTrue();
            assertThat(d.patterns()).containsExactly("websocket");
        });
        assertThat(c.backends()).extracting(Proxy::name).containsExactly("nginx", "node");
    }

    @Test
    void fixedSeedInheritsItsTimeoutsFromDefaults() {
        Config c = LOADER.load(List.of(seed("haproxy-seed-fixed.cfg"))).valid().orElseThrow();

        Proxy all = c.frontend("all").orElseThrow();
        assertThat(all.timeout(TimeoutKind.CLIENT_FIN).orElseThrow().value()).isEqualTo(30_000L);
        assertThat(all.timeout(TimeoutKind.HTTP_REQUEST).orElseThrow().value()).isEqualTo(10_000L);
        Proxy node = c.backend("node").orElseThrow();
        assertThat(node.timeout(TimeoutKind.TUNNEL).orElseThrow().value()).isEqualTo(3_600_000L);
        assertThat(node.timeout(TimeoutKind.CONNECT).orElseThrow().value()).isEqualTo(4000L);
        assertThat(node.mode().value()).isEqualTo(Mode.HTTP);
    }

    @Test
    void directoryLoadsItsCfgFilesInOrderAndSkipsHiddenAndOtherFiles() {
        Path dir = seed("conf.d");
        assertThat(dir.resolve(".hidden.cfg")).as("the hidden fixture must be on the test class path").exists();
        assertThat(dir.resolve("README.txt")).exists();

        LoadResult r = LOADER.load(List.of(dir));

        assertThat(r.errors()).isEmpty();
        Config c = r.valid().orElseThrow();
        assertThat(c.files()).containsExactly(dir.resolve("00-global.cfg").toString(),
                dir.resolve("10-frontend.cfg").toString(), dir.resolve("20-backend-nginx.cfg").toString());
        assertThat(c.frontend("all").orElseThrow().defaultBackend().value()).isEqualTo("nginx");
        assertThat(c.frontend("all").orElseThrow().mode().value()).isEqualTo(Mode.HTTP);
        assertThat(c.global().nbproc().location()).isEqualTo(new Location(dir.resolve("00-global.cfg").toString(), 4));
    }
}
