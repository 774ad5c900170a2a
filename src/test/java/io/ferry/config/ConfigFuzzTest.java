package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated configurations: whatever the input, the loader answers with diagnostics and
 * never throws, overflows its stack or runs out of memory. Seeds are fixed, so a failure names an
 * input that can be replayed; the iteration counts keep the whole class to a few seconds. For a
 * longer search run {@code mvn test -Dtest=ConfigFuzzTest -Dferry.fuzz.scale=100
 * -Djunit.jupiter.execution.timeout.mode=disabled}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConfigFuzzTest {

    /** How many times the default number of random inputs to try. */
    private static final int SCALE = Integer.getInteger("ferry.fuzz.scale", 1);

    /**
     * Each loop stops at its count or after this long, whichever comes first, so that a slow or
     * loaded machine runs fewer inputs instead of failing; it must still run {@link #MIN_INPUTS}.
     */
    private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(15L * SCALE);
    private static final int MIN_INPUTS = 50;

    /**
     * Mutated host names must not reach DNS: that would make the run slow and dependent on the
     * network. IP literals and {@code localhost} resolve; every other name is unknown.
     */
    private static final HostResolver NO_DNS = host -> {
        if (host.equals("localhost")) {
            return InetAddress.getLoopbackAddress();
        }
        if (host.indexOf(':') >= 0 || host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
            return InetAddress.getByName(host); // a literal: no lookup
        }
        throw new UnknownHostException(host);
    };

    private static final ConfigLoader LOADER = ConfigLoader.builder()
            .environment(Map.of("PORT", "8080", "FD", "3", "EMPTY", "")).resolver(NO_DNS).build();

    /** Words that steer mutations towards the grammar's corners. */
    private static final List<String> SPECIAL = List.of(
            "{", "}", "!", "||", "or", "if", "unless", "from", "no", "--", "-i", "-m", "-n", "\"", "'", "\\",
            "\\x", "\\x4", "#", ",", ":", "@", "*:0", ":::", "[::1]:80", "[", "]", "unix@", "fd@", "fd@\"${FD}\"",
            "\"${PORT}\"", "\"${UNSET-1}\"", "\"${\"", "\"$\"", "${PORT}", ".if", ".elif", ".else", ".endif",
            ".notice", ".alert", ".diag", ".warning", ".bogus", "defined(PORT)", "streq(a,b)", "version_atleast(2)",
            "global", "defaults", "frontend", "backend", "listen", "peers", "0", "-1", "2147483647", "2147483648",
            "99999999999999999999", "24d", "25d", "1us", "16k", "4g", "hdr(", "hdr()", "hdr(host)", "path_beg",
            "src", "10.0.0.0/8", "::1/200", "1:2", ":", "1:", "eq", "%[src]", "hdr(x),lower", "hdr(x),upper,foo",
            "TRUE", "METH_GET", "LOCALHOST", "127.0.0.1:8000", "localhost:0", "127.0.0.1:+1", "127.0.0.1:8000-8001",
            "*:8000-9000", "*:65535-1", "weight", "maxconn", "backup", "mode", "660", "999", "tcp-ut",
            "\u00e9", "\u0000", "\t", "\r");

    private static final List<String> VOCABULARY = new ArrayList<>();
    private static final List<String> SEEDS = new ArrayList<>();

    @BeforeAll
    static void readSeedsAndVocabulary() throws IOException {
        Path root = SeedConfigTest.seed("");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                SEEDS.add(Files.readString(p, StandardCharsets.ISO_8859_1));
            }
        }
        SEEDS.add("""
                global
                    maxconn 100
                defaults web
                    mode http
                    timeout client 30s
                    timeout server 30s
                    timeout connect 5s
                frontend fe from web
                    bind 127.0.0.1:0,[::1]:0 maxconn 10 name x
                    acl api path_beg -i /api /v2
                    acl local src 127.0.0.1 10.0.0.0/8
                    use_backend api if api local || { hdr_beg(host) -i api. } !METH_GET
                    default_backend app
                backend api from web
                    balance roundrobin
                    default-server maxconn 5 weight 10
                    server a1 127.0.0.1:9001 backup
                    server a2 unix@/run/a.sock disabled
                backend app
                    retries 2
                    http-reuse safe
                    server s1 127.0.0.1:9000
                listen both "${UNSET-127.0.0.1}:0"
                    server s 127.0.0.1:9002 tcp-ut 5s
                """);
        KeywordRegistry registry = KeywordRegistry.standard();
        registry.keywords().forEach(k -> VOCABULARY.addAll(List.of(k.name().split(" "))));
        VOCABULARY.addAll(registry.serverOptionNames());
        VOCABULARY.addAll(registry.bindOptionNames());
        VOCABULARY.addAll(registry.fetchNames());
        VOCABULARY.addAll(registry.predefinedAclNames());
        VOCABULARY.addAll(SPECIAL);
    }

    @Test
    void mutatedSeedsGiveOnlyDiagnostics() {
        long start = System.nanoTime();
        long seed = 0;
        for (; seed < 3000L * SCALE && withinBudget(seed, start); seed++) {
            Random random = new Random(seed);
            String base = SEEDS.get(random.nextInt(SEEDS.size()));
            String text = base;
            int mutations = 1 + random.nextInt(4);
            for (int i = 0; i < mutations; i++) {
                text = mutate(text, random);
            }
            check("mutated seed " + seed, text);
        }
        assertThat(seed).as("inputs tried").isGreaterThanOrEqualTo(Math.min(3000L * SCALE, MIN_INPUTS));
    }

    @Test
    void randomLinesGiveOnlyDiagnostics() {
        long start = System.nanoTime();
        long seed = 0;
        for (; seed < 1500L * SCALE && withinBudget(seed, start); seed++) {
            Random random = new Random(1_000_000_000L + seed);
            StringBuilder text = new StringBuilder();
            int lines = 1 + random.nextInt(30);
            for (int l = 0; l < lines; l++) {
                int words = random.nextInt(8);
                if (random.nextInt(4) == 0) {
                    text.append("    ");
                }
                for (int w = 0; w < words; w++) {
                    text.append(w == 0 ? "" : " ").append(pick(VOCABULARY, random));
                }
                text.append('\n');
            }
            check("random lines " + seed, text.toString());
        }
        assertThat(seed).as("inputs tried").isGreaterThanOrEqualTo(Math.min(1500L * SCALE, MIN_INPUTS));
    }

    @Test
    void randomBytesGiveOnlyDiagnostics() {
        long start = System.nanoTime();
        long seed = 0;
        for (; seed < 300L * SCALE && withinBudget(seed, start); seed++) {
            Random random = new Random(2_000_000_000L + seed);
            char[] chars = new char[random.nextInt(2000)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = (char) random.nextInt(256);
            }
            check("random bytes " + seed, new String(chars));
        }
        assertThat(seed).as("inputs tried").isGreaterThanOrEqualTo(Math.min(300L * SCALE, MIN_INPUTS));
    }

    @Test
    void mutatedFilesInADirectoryGiveOnlyDiagnostics(@TempDir Path dir) throws IOException {
        long start = System.nanoTime();
        long seed = 0;
        for (; seed < 100L * SCALE && withinBudget(seed, start); seed++) {
            Random random = new Random(3_000_000_000L + seed);
            Path sub = Files.createDirectory(dir.resolve("run" + seed));
            int files = 1 + random.nextInt(4);
            for (int f = 0; f < files; f++) {
                String text = mutate(SEEDS.get(random.nextInt(SEEDS.size())), random);
                byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
                if (random.nextBoolean() && bytes.length > 0) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
                Files.write(sub.resolve(f + ".cfg"), bytes);
            }
            try {
                LoadResult r = LOADER.load(List.of(sub));
                assertThat(r.hasErrors()).as("files " + seed).isEqualTo(r.config() == null);
            } catch (Throwable t) {
                fail("files " + seed + " threw " + t, t);
            }
        }
        assertThat(seed).as("inputs tried").isGreaterThanOrEqualTo(Math.min(100L * SCALE, MIN_INPUTS));
    }

    @Test
    void pathologicalInputsGiveOnlyDiagnostics() {
        String word = "x".repeat(1_000_000);
        List<String> inputs = List.of(
                word,
                "global\n    " + word + "\n",
                "global\n    maxconn " + "9".repeat(100_000) + "\n",
                "defaults\n    timeout client " + "9".repeat(100_000) + "d\n",
                "defaults\n    mode " + word + "\n",
                "frontend " + word + "\n    bind :80\n",
                "frontend f from " + word + "\n",
                "frontend f\n    bind :80\n    default_backend " + word + "\n",
                "frontend f\n    bind " + word + ":80\n",
                "frontend f\n    bind *:" + "8".repeat(100_000) + "\n",
                "frontend f\n    bind " + ",".repeat(100_000) + "\n",
                "frontend f\n    bind " + "*:1,".repeat(10_000) + "\n",
                "frontend f\n    bind " + "*:1-1000,".repeat(20_000) + "\n",
                "frontend f\n    acl a path_reg " + "(".repeat(100_000) + ")".repeat(100_000) + "\n",
                "backend b\n    server s 127.0.0.1:80 " + "backup ".repeat(50_000) + "\n",
                "backend b\n    server s 127.0.0.1:80 " + word + "\n",
                "global\n.if " + "!(".repeat(200_000) + "1" + ")".repeat(200_000) + "\n.endif\n",
                "global\n.if " + "(".repeat(200_000) + "\n.endif\n",
                "global\n.if " + "!".repeat(500_000) + "0\n.notice deep\n.endif\n",
                "global\n.if " + "1 && ".repeat(100_000) + "1\n.endif\n",
                "global\n" + ".if 1\n".repeat(50_000) + ".endif\n".repeat(50_000),
                "global\n" + ".if 1\n".repeat(50_000),
                "global\n" + ".endif\n".repeat(50_000),
                "frontend f\n    bind :80\n    acl a path " + "x ".repeat(100_000) + "\n",
                "frontend f\n    bind :80\n    use_backend b if " + "! ".repeat(100_000) + "TRUE\n",
                "frontend f\n    bind :80\n    use_backend b if " + "{ ".repeat(100_000) + "\n",
                "frontend f\n    bind :80\n    use_backend b if " + "TRUE || ".repeat(50_000) + "TRUE\n",
                "frontend f\n    bind :80\n    acl a path_reg " + "(".repeat(100_000) + "\n",
                "frontend f\n    bind :80\n    acl a src " + "1".repeat(100_000) + "\n",
                "frontend f\n    bind :80\n    acl a dst_port " + "9".repeat(100_000) + "\n",
                "frontend f\n    bind :80\n    acl a " + "hdr(" + word + ")" + " x\n",
                "global\n    .notice \"" + "${PORT}".repeat(100_000) + "\"\n",
                "global\n    \"" + "\\x41".repeat(100_000) + "\"\n",
                "global\n".repeat(100_000),
                "frontend f\n    bind :0\n".repeat(20_000),
                "\n".repeat(1_000_000));
        for (int i = 0; i < inputs.size(); i++) {
            check("pathological input " + i, inputs.get(i));
        }
    }

    private static boolean withinBudget(long done, long startNanos) {
        return done < MIN_INPUTS || System.nanoTime() - startNanos < BUDGET_NANOS;
    }

    private static String mutate(String text, Random random) {
        List<String> lines = new ArrayList<>(text.lines().toList());
        if (lines.isEmpty()) {
            lines.add("");
        }
        int l = random.nextInt(lines.size());
        String line = lines.get(l);
        List<String> words = new ArrayList<>(List.of(line.strip().split("[ \t]+")));
        String indent = line.startsWith(" ") || line.startsWith("\t") ? "    " : "";
        int w = random.nextInt(words.size());
        switch (random.nextInt(14)) {
            case 0 -> words.remove(w);
            case 1 -> words.add(w, words.get(w));
            case 2 -> {
                int v = random.nextInt(words.size());
                String t = words.get(w);
                words.set(w, words.get(v));
                words.set(v, t);
            }
            case 3 -> words.set(w, pick(VOCABULARY, random));
            case 4 -> words.add(random.nextInt(words.size() + 1), pick(VOCABULARY, random));
            case 5 -> words.set(w, insertRandomChar(words.get(w), random));
            // A repeated word grows to at most about 200,000 characters: chained mutations would
            // otherwise build inputs of hundreds of megabytes, which measure the test's heap.
            case 6 -> words.set(w, words.get(w).repeat(1 + random.nextInt(
                    Math.max(1, Math.min(2000, 200_000 / (1 + words.get(w).length()))))));
            case 7 -> words.set(w, "!(((".repeat(random.nextInt(500)) + words.get(w));
            case 8 -> words.set(w, "9".repeat(1 + random.nextInt(40)));
            case 9 -> {
                lines.remove(l);
                return String.join("\n", lines);
            }
            case 10 -> {
                lines.add(random.nextInt(lines.size() + 1), line);
                return String.join("\n", lines);
            }
            case 11 -> {
                int m = random.nextInt(lines.size());
                lines.set(l, lines.get(m));
                lines.set(m, line);
                return String.join("\n", lines);
            }
            case 12 -> {
                String s = words.get(w);
                words.set(w, s.isEmpty() ? s : s.substring(0, random.nextInt(s.length())));
            }
            default -> {
                String joined = String.join(" ", words);
                int at = random.nextInt(joined.length() + 1);
                lines.set(l, indent + joined.substring(0, at) + (char) random.nextInt(256) + joined.substring(at));
                return String.join("\n", lines);
            }
        }
        lines.set(l, indent + String.join(" ", words));
        return String.join("\n", lines);
    }

    private static String insertRandomChar(String word, Random random) {
        int at = random.nextInt(word.length() + 1);
        String c = switch (random.nextInt(4)) {
            case 0 -> String.valueOf((char) random.nextInt(256));
            case 1 -> pick(List.of("\"", "'", "\\", "$", "{", "}", "(", ")", ",", ":", "@", "#", "%", "[", "]"), random);
            default -> String.valueOf((char) ('a' + random.nextInt(26)));
        };
        return word.substring(0, at) + c + word.substring(at);
    }

    private static String pick(List<String> list, Random random) {
        return list.get(random.nextInt(list.size()));
    }

    /** Loads {@code text}; anything but a well-formed result fails the test with a replayable name. */
    private static void check(String name, String text) {
        LoadResult r;
        try {
            r = LOADER.loadText("fuzz.cfg", text);
        } catch (Throwable t) {
            fail(name + " threw " + t + " on input:\n" + abbreviate(text), t);
            return;
        }
        long lineCount = text.lines().count();
        assertThat(r).as(name).isNotNull();
        assertThat(r.hasErrors()).as(name + ": a result without errors must hold a configuration")
                .isEqualTo(r.config() == null);
        for (Diagnostic d : r.diagnostics()) {
            assertThat(d.severity()).as(name).isNotNull();
            assertThat(d.message()).as(name).isNotNull();
            assertThat(d.location().line()).as(name + ": " + d).isBetween(0, (int) Math.max(lineCount, 1));
            assertThat(d.format()).as(name).isNotEmpty();
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 2000 ? text : text.substring(0, 2000) + "... (" + text.length() + " characters)";
    }
}
