package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sections, inheritance, references and the errors a user can cause, each with its text. Where
 * HAProxy 2.6 has the same rule, its behaviour was checked with {@code haproxy -c}.
 */
class ConfigParserTest {

    private static final String BACKEND = "backend app\n    server s1 127.0.0.1:8000\n";

    private static LoadResult load(String text) {
        return ConfigLoader.builder().environment(Map.of()).build().loadText("t.cfg", text);
    }

    private static Config valid(String text) {
        LoadResult r = load(text);
        assertThat(r.errors()).as("errors").isEmpty();
        return r.valid().orElseThrow();
    }

    /** Asserts that {@code text} is refused with exactly one error, and returns it. */
    private static Diagnostic error(String text, int line, String keyword) {
        LoadResult r = load(text);
        assertThat(r.valid()).isEmpty();
        assertThat(r.errors()).hasSize(1);
        Diagnostic e = r.errors().get(0);
        assertThat(e.location()).isEqualTo(new Location("t.cfg", line));
        assertThat(e.keyword()).isEqualTo(keyword);
        assertThat(e.fix()).isNotEmpty();
        return e;
    }

    // Sections

    @Test
    void globalSectionsMerge() {
        Config c = valid("global\n    maxconn 500\nglobal\n    nbthread 2\n");
        assertThat(c.global().maxconn().value()).isEqualTo(500);
        assertThat(c.global().nbthread()).isEqualTo(2);
    }

    @Test
    void proxiesKeepTheirOrderAndRoles() {
        Config c = valid("frontend fe\n    bind :80\n    default_backend app\n" + BACKEND
                + "listen both\n    bind :81\n    server s 127.0.0.1:9000\n");
        assertThat(c.proxies()).extracting(Proxy::name).containsExactly("fe", "app", "both");
        assertThat(c.frontends()).extracting(Proxy::name).containsExactly("fe", "both");
        assertThat(c.backends()).extracting(Proxy::name).containsExactly("app", "both");
    }

    @Test
    void listenTakesAnAddressOnItsHeaderLine() {
        Config c = valid("listen both 127.0.0.1:8080\n    server s 127.0.0.1:9000\n");
        Proxy both = c.frontend("both").orElseThrow();
        assertThat(both.binds()).singleElement().satisfies(b -> {
            assertThat(b.address().port()).isEqualTo(8080);
            assertThat(b.location()).isEqualTo(new Location("t.cfg", 1));
        });
    }

    @Test
    void proxiesInheritFromTheLastDefaults() {
        Config c = valid("""
                defaults
                    mode http
                    timeout client 30s
                    timeout server 40s
                    default_backend app
                    default-server maxconn 10
                frontend fe
                    bind :80
                    timeout client 5s
                backend app
                    server s1 127.0.0.1:8000
                    server s2 127.0.0.1:8001 maxconn 20
                """);
        Proxy fe = c.frontend("fe").orElseThrow();
        assertThat(fe.mode().value()).isEqualTo(Mode.HTTP);
        assertThat(fe.mode().location()).isEqualTo(new Location("t.cfg", 2));
        assertThat(fe.timeout(TimeoutKind.CLIENT).orElseThrow()).isEqualTo(new Located<>(5000L, new Location("t.cfg", 9)));
        assertThat(fe.defaultBackend().value()).isEqualTo("app");
        Proxy app = c.backend("app").orElseThrow();
        assertThat(app.defaultBackend()).isNull();
        assertThat(app.timeout(TimeoutKind.SERVER).orElseThrow().value()).isEqualTo(40_000L);
        assertThat(app.servers()).extracting(s -> s.options().maxconn()).containsExactly(10, 20);
        assertThat(fe.defaultsName()).isEmpty();
    }

    @Test
    void aSecondUnnamedDefaultsStartsFresh() {
        // HAProxy 2.6: the frontend after the second 'defaults' is in TCP mode with no client timeout.
        Config c = valid("""
                defaults
                    mode http
                    timeout client 5s
                defaults
                    timeout server 5s
                frontend fe
                    bind :80
                    default_backend app
                """ + BACKEND);
        Proxy fe = c.frontend("fe").orElseThrow();
        assertThat(fe.mode().value()).isEqualTo(Mode.TCP);
        assertThat(fe.timeout(TimeoutKind.CLIENT)).isEmpty();
        assertThat(fe.timeout(TimeoutKind.SERVER).orElseThrow().value()).isEqualTo(5000L);
        assertThat(c.defaults()).containsOnlyKeys("#1", "#2");
    }

    @Test
    void namedDefaultsAndFrom() {
        Config c = valid("""
                defaults web
                    mode http
                    timeout client 10s
                    default_backend app
                defaults tcp
                    mode tcp
                frontend b
                    bind :81
                defaults web2 from web
                    timeout client 20s
                frontend a from web
                    bind :80
                frontend c from web2
                    bind :82
                """ + BACKEND.replace("backend app", "backend app from web"));
        Proxy a = c.frontend("a").orElseThrow();
        assertThat(a.mode().value()).isEqualTo(Mode.HTTP);
        assertThat(a.defaultsName()).isEqualTo("web");
        Proxy b = c.frontend("b").orElseThrow();
        assertThat(b.mode().value()).isEqualTo(Mode.TCP);
        assertThat(b.defaultsName()).isEqualTo("tcp");
        Proxy cc = c.frontend("c").orElseThrow();
        assertThat(cc.mode().value()).isEqualTo(Mode.HTTP);
        assertThat(cc.timeout(TimeoutKind.CLIENT).orElseThrow().value()).isEqualTo(20_000L);
        assertThat(cc.defaultBackend().value()).isEqualTo("app");
        assertThat(c.defaults()).containsOnlyKeys("web", "tcp", "web2");
    }

    @Test
    void redefinedDefaultsNameIsAWarning() {
        LoadResult r = load("defaults a\n    mode http\ndefaults a\n    mode tcp\n");
        assertThat(r.errors()).isEmpty();
        assertThat(r.diagnostics()).singleElement().satisfies(w -> {
            assertThat(w.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(w.location()).isEqualTo(new Location("t.cfg", 3));
            assertThat(w.message()).isEqualTo("defaults section 'a' redefines the one at t.cfg:1; "
                    + "proxies after this line inherit from the new one");
        });
    }

    @Test
    void unknownFromNamesTheDefaultsAndSuggests() {
        Diagnostic e = error("defaults web\nfrontend x from wbe\n    bind :80\n", 2, "frontend");
        assertThat(e.message()).isEqualTo("no defaults section named 'wbe' before this line");
        assertThat(e.fix()).isEqualTo("did you mean 'from web'?");

        Diagnostic later = error("frontend x from web\n    bind :80\ndefaults web\n", 1, "frontend");
        assertThat(later.fix()).isEqualTo("declare 'defaults web' above this section");
    }

    @Test
    void sectionHeaderErrors() {
        assertThat(error("global foo\n", 1, "global").message()).isEqualTo("'global' takes no argument (got 'foo')");
        assertThat(error("backend\n", 1, "backend").message()).isEqualTo("'backend' needs a name");
        assertThat(error("frontend a b\n", 1, "frontend").message()).isEqualTo("unexpected 'b' after the frontend name");
        assertThat(error("frontend a from\n", 1, "frontend").message())
                .isEqualTo("'from' must be followed by exactly one defaults section name");
        assertThat(error("defaults a b\n", 1, "defaults").message()).isEqualTo("unexpected 'b' after the defaults name");
        assertThat(error("frontend x/y\n    bind :80\n", 1, "frontend").message())
                .isEqualTo("character '/' is not permitted in frontend name 'x/y'");
    }

    @Test
    void linesOfARefusedSectionAreSkippedWithoutMoreErrors() {
        error("backend\n    server s 127.0.0.1:80\n    bogus\n", 1, "backend");
        error("frontend x/y\n    bind :80\n    maxconn 5\n", 1, "frontend");
        error("frontend x\n    bind :80\nfrontend x\n    bind :81\n", 3, "frontend");
        error("frontend x from nope\n    bind :80\n", 1, "frontend");
        Diagnostic e = error("global x\n    maxconn 5\n", 1, "global");
        assertThat(e.message()).isEqualTo("'global' takes no argument (got 'x')");
    }

    // Names and references

    @Test
    void namesAreUniquePerSectionKind() {
        Diagnostic e = error("frontend x\n    bind :80\nfrontend x\n    bind :81\n", 3, "frontend");
        assertThat(e.message()).isEqualTo("frontend 'x' has the same name as the frontend declared at t.cfg:1");

        Diagnostic listen = error("listen x\n    bind :80\nbackend x\n", 3, "backend");
        assertThat(listen.message()).isEqualTo("backend 'x' has the same name as the listen declared at t.cfg:1");

        Config c = valid("frontend x\n    bind :80\n    default_backend x\nbackend x\n    server s 127.0.0.1:80\n");
        assertThat(c.frontend("x")).isPresent();
        assertThat(c.backend("x")).isPresent();
    }

    @Test
    void defaultBackendMustExist() {
        Diagnostic e = error("frontend fe\n    bind :80\n    default_backend ap\n" + BACKEND, 3, "default_backend");
        assertThat(e.message()).isEqualTo("frontend 'fe' refers to backend 'ap', which does not exist");
        assertThat(e.fix()).isEqualTo("did you mean 'app'?");

        Diagnostic far = error("frontend fe\n    bind :80\n    default_backend zzzzzz\n" + BACKEND, 3, "default_backend");
        assertThat(far.fix()).isEqualTo("declare 'backend zzzzzz' or fix the name");
    }

    @Test
    void defaultBackendInheritedFromDefaultsIsReportedAtTheDefaultsLine() {
        Diagnostic e = error("defaults\n    default_backend nope\nfrontend fe\n    bind :80\n", 2, "default_backend");
        assertThat(e.message()).isEqualTo("frontend 'fe' refers to backend 'nope', which does not exist");
    }

    @Test
    void useBackendTargetsMustExist() {
        Diagnostic e = error("frontend fe\n    bind :80\n    use_backend nope if TRUE\n" + BACKEND, 3, "use_backend");
        assertThat(e.message()).isEqualTo("frontend 'fe' refers to backend 'nope', which does not exist");

        Config c = valid("frontend fe\n    bind :80\n    acl api path_beg /api\n    use_backend app if api\n"
                + BACKEND);
        assertThat(c.frontend("fe").orElseThrow().useBackends()).singleElement()
                .satisfies(u -> assertThat(u.backend()).isEqualTo("app"));
    }

    @Test
    void httpFrontendCannotUseATcpBackend() {
        Diagnostic e = error("frontend fe\n    mode http\n    bind :80\n    default_backend app\n" + BACKEND,
                4, "default_backend");
        assertThat(e.message()).isEqualTo("frontend 'fe' is in HTTP mode but backend 'app' is in TCP mode");
    }

    @Test
    void frontendWithoutBind() {
        Diagnostic e = error("frontend fe\n    default_backend app\n" + BACKEND, 1, "frontend");
        assertThat(e.message()).isEqualTo("frontend 'fe' has no 'bind' line, so it would accept nothing");
    }

    // Keywords

    @Test
    void unknownKeywordSuggestsTheClosestKnownOne() {
        Diagnostic e = error("frontend f\n    bind :80\n    mxaconn 5\n", 3, "mxaconn");
        assertThat(e.message()).isEqualTo("unknown keyword 'mxaconn' in 'frontend' section");
        assertThat(e.fix()).isEqualTo("did you mean 'maxconn'?");

        Diagnostic far = error("global\n    frobnicate 1\n", 2, "frobnicate");
        assertThat(far.fix()).isEqualTo("see docs/configuration.md for the keywords of this section");
    }

    @Test
    void unknownSecondWordOfAFamilyListsTheFamily() {
        Diagnostic e = error("defaults\n    timeout clientt 5s\n", 2, "timeout");
        assertThat(e.message()).startsWith("unknown keyword 'timeout clientt'; 'timeout' supports 'client', ")
                .endsWith("(got 'clientt')");
        assertThat(e.fix()).isEqualTo("did you mean 'timeout client'?");

        Diagnostic alone = error("defaults\n    timeout\n", 2, "timeout");
        assertThat(alone.message()).startsWith("'timeout' needs a second word: one of 'client', ");
    }

    @Test
    void keywordInTheWrongSectionSaysWhereItBelongs() {
        Diagnostic e = error("frontend f\n    bind :80\n    timeout server 5s\n", 3, "timeout");
        assertThat(e.message()).isEqualTo("'timeout server' is not allowed in a 'frontend' section");
        assertThat(e.fix()).isEqualTo("move it to a backend or defaults or listen section");
    }

    @Test
    void unsupportedKeywordSaysSo() {
        Diagnostic e = error("global\n    chroot /var/empty\n", 2, "chroot");
        assertThat(e.message()).isEqualTo("'chroot' is an HAProxy keyword that Ferry does not support: "
                + "Ferry does not chroot; confine it with the service manager instead");
        assertThat(e.fix()).isEqualTo("remove the line");

        Diagnostic two = error("defaults\n    timeout tarpit 5s\n", 2, "timeout");
        assertThat(two.message()).startsWith("'timeout tarpit' is an HAProxy keyword that Ferry does not support");
    }

    @Test
    void unsupportedSectionSaysSoAndSkipsItsLines() {
        Diagnostic e = error("peers mypeers\n    peer a 127.0.0.1:1024\nglobal\n", 1, "peers");
        assertThat(e.message()).isEqualTo("section 'peers' is not supported by Ferry: Ferry has no 'peers' sections");
    }

    @Test
    void unsupportedServerAndBindOptionsSaySo() {
        Diagnostic s = error("backend b\n    server s 127.0.0.1:443 ssl\n", 2, "server");
        assertThat(s.message()).startsWith("'ssl' is an HAProxy server option that Ferry does not support: ");
        Diagnostic b = error("frontend f\n    bind :443 ssl crt x.pem\n", 2, "bind");
        assertThat(b.message()).startsWith("'ssl' is an HAProxy bind option that Ferry does not support: ");
        Diagnostic typo = error("backend b\n    server s 127.0.0.1:80 wieght 5\n", 2, "server");
        assertThat(typo.message()).isEqualTo("unknown server option 'wieght'");
        assertThat(typo.fix()).isEqualTo("did you mean 'weight'?");
        Diagnostic missing = error("backend b\n    server s 127.0.0.1:80 weight\n", 2, "server");
        assertThat(missing.message()).isEqualTo("server option 'weight' needs a value");
    }

    @Test
    void lineStartingOutsideASection() {
        Diagnostic e = error("    maxconn 500\nglobal\n", 1, "maxconn");
        assertThat(e.message()).isEqualTo("'maxconn' appears outside of any section");
        assertThat(e.fix()).startsWith("start a section before it");
    }

    @Test
    void extraArgumentsNameTheWordAndTheSyntax() {
        Diagnostic e = error("defaults\n    timeout client 30 seconds\n", 2, "timeout client");
        assertThat(e.message()).isEqualTo("unexpected extra argument 'seconds' after '30'");
        assertThat(e.fix()).isEqualTo("write it as: timeout client TIME");
    }

    @Test
    void negationOnlyForNegatableKeywords() {
        Diagnostic e = error("defaults\n    no mode http\n", 2, "no mode");
        assertThat(e.message()).isEqualTo("'mode' cannot be negated with 'no'");
    }

    @Test
    void nbprocIsAcceptedWithAWarning() {
        LoadResult r = load("global\n    nbproc 4\n");
        assertThat(r.valid()).isPresent();
        assertThat(r.diagnostics()).singleElement().satisfies(w -> {
            assertThat(w.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(w.location()).isEqualTo(new Location("t.cfg", 2));
            assertThat(w.format()).isEqualTo("[WARNING]  config : parsing [t.cfg:2] : 'nbproc' : nbproc is obsolete "
                    + "(HAProxy 2.5 made it a fatal error); Ferry is one process and runs 4 event-loop threads "
                    + "instead, unless nbthread says otherwise. Fix: replace it with 'nbthread 4'");
        });
    }

    @Test
    void everyErrorIsReportedInOneRun() {
        LoadResult r = load("global\n    maxconn x\n    bogus\ndefaults\n    mode smtp\n");
        assertThat(r.errors()).extracting(d -> d.location().line()).containsExactly(2, 3, 5);
    }

    // Files and directories

    @Test
    void eachFileStartsOutsideAnySection(@TempDir Path dir) throws IOException {
        Path a = Files.writeString(dir.resolve("a.cfg"), "defaults\n    mode http\n");
        Path b = Files.writeString(dir.resolve("b.cfg"), "    timeout client 5s\n");
        LoadResult r = ConfigLoader.builder().environment(Map.of()).build().load(List.of(a, b));
        assertThat(r.errors()).singleElement().satisfies(e -> {
            assertThat(e.location()).isEqualTo(new Location(b.toString(), 1));
            assertThat(e.message()).isEqualTo("'timeout' appears outside of any section");
        });
    }

    @Test
    void blocksDoNotSpanFiles(@TempDir Path dir) throws IOException {
        Path a = Files.writeString(dir.resolve("a.cfg"), "global\n.if 1\n");
        Path b = Files.writeString(dir.resolve("b.cfg"), "global\n.endif\n");
        LoadResult r = ConfigLoader.builder().environment(Map.of()).build().load(List.of(a, b));
        assertThat(r.errors()).extracting(Diagnostic::location)
                .containsExactly(new Location(a.toString(), 2), new Location(b.toString(), 2));
    }

    @Test
    void defaultsCarryOverToTheNextFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("00-defaults.cfg"), "defaults\n    mode http\n");
        Files.writeString(dir.resolve("10-backend.cfg"), BACKEND);
        Config c = ConfigLoader.builder().environment(Map.of()).build().load(List.of(dir)).valid().orElseThrow();
        assertThat(c.backend("app").orElseThrow().mode().value()).isEqualTo(Mode.HTTP);
    }

    @Test
    void directoryFilesAreReadInByteOrder(@TempDir Path dir) throws IOException {
        for (String name : List.of("b.cfg", "B.cfg", "a.cfg", "_.cfg", "10.cfg", "9.cfg")) {
            Files.writeString(dir.resolve(name), "global\n");
        }
        Config c = ConfigLoader.builder().environment(Map.of()).build().load(List.of(dir)).valid().orElseThrow();
        assertThat(c.files()).extracting(f -> Path.of(f).getFileName().toString())
                .containsExactly("10.cfg", "9.cfg", "B.cfg", "_.cfg", "a.cfg", "b.cfg");
    }

    @Test
    void emptyDirectoryIsAnError(@TempDir Path dir) {
        LoadResult r = ConfigLoader.builder().build().load(List.of(dir));
        assertThat(r.valid()).isEmpty();
        assertThat(r.errors()).singleElement().satisfies(e -> {
            assertThat(e.location()).isEqualTo(Location.NONE);
            assertThat(e.message()).isEqualTo("configuration directory '" + dir + "' holds no *.cfg file");
            assertThat(e.fix()).isEqualTo("put configuration files named *.cfg in it, or name a file");
            assertThat(e.format()).isEqualTo("[ALERT]    config : configuration directory '" + dir
                    + "' holds no *.cfg file. Fix: put configuration files named *.cfg in it, or name a file");
        });
    }

    @Test
    void directoryWithoutCfgFilesIsAnError(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("README.txt"), "not a config\n");
        Files.writeString(dir.resolve(".hidden.cfg"), "not a config\n");
        Files.createDirectory(dir.resolve("sub.cfg"));
        LoadResult r = ConfigLoader.builder().build().load(List.of(dir));
        assertThat(r.errors()).singleElement()
                .satisfies(e -> assertThat(e.message()).endsWith("' holds no *.cfg file"));
    }

    @Test
    void missingFileIsAnError(@TempDir Path dir) {
        Path missing = dir.resolve("nope.cfg");
        LoadResult r = ConfigLoader.builder().build().load(List.of(missing));
        assertThat(r.errors()).singleElement().satisfies(e -> {
            assertThat(e.message()).isEqualTo("configuration file '" + missing + "' does not exist");
            assertThat(e.fix()).isEqualTo("check the path given to -f");
        });
    }

    @Test
    void unreadableFileIsAnError(@TempDir Path dir) throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.cfg"), "global\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(secret), "permissions do not stop this user (root) from reading");
        LoadResult r = ConfigLoader.builder().build().load(List.of(secret));
        assertThat(r.errors()).singleElement().satisfies(e -> {
            assertThat(e.message()).isEqualTo("configuration file '" + secret + "' is not readable");
            assertThat(e.fix()).isEqualTo("check its permissions");
        });
    }

    @Test
    void noPathIsAnError() {
        LoadResult r = ConfigLoader.builder().build().load(List.of());
        assertThat(r.errors()).singleElement()
                .satisfies(e -> assertThat(e.message()).isEqualTo("no configuration file given"));
    }

    @Test
    void emptyFileIsValid(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.cfg"), "");
        LoadResult r = ConfigLoader.builder().build().load(List.of(empty));
        assertThat(r.valid()).isPresent();
    }
}
