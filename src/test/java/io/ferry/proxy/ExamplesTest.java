package io.ferry.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.config.Config;
import io.ferry.config.ConfigLoader;
import io.ferry.config.LoadResult;
import io.ferry.config.Proxy;
import io.ferry.config.TimeoutKind;
import io.ferry.net.Transport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The configurations shipped for users to copy, {@code examples/*.cfg} and the distribution's
 * {@code conf/ferry.cfg}: each is valid, and the comment at its top names every feature Ferry's
 * runtime still refuses in it, or says that Ferry serves it as it is.
 */
class ExamplesTest {

    private static final Pattern FEATURE = Pattern.compile("Ferry's runtime has no (.+) so far$");
    private static final String SERVES_AS_IS = "Ferry serves this file as it is.";

    static Stream<Path> shipped() throws IOException {
        try (Stream<Path> examples = Files.list(Path.of("examples"))) {
            List<Path> all = examples.filter(p -> p.toString().endsWith(".cfg")).sorted().collect(Collectors.toList());
            assertThat(all).hasSizeGreaterThanOrEqualTo(3);
            all.add(Path.of("src/dist/conf/ferry.cfg"));
            return all.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void isValidAndSaysWhatTheRuntimeStillRefuses(Path file) throws IOException {
        LoadResult r = ConfigLoader.builder().build().load(List.of(file));
        assertThat(r.errors()).as(file.toString()).isEmpty();
        Config config = r.valid().orElseThrow();
        String header = header(file);

        List<String> problems = RuntimeSupport.problems(config, Transport.select());
        for (String problem : problems) {
            Matcher m = FEATURE.matcher(problem);
            assertThat(m.find()).as(problem).isTrue();
            assertThat(header).as(file + " names what the runtime refuses: " + problem).contains(m.group(1));
        }
        if (header.contains(SERVES_AS_IS)) {
            assertThat(problems).as(file.toString()).isEmpty();
        }
    }

    /** What the examples teach: no side of a connection without a deadline. */
    @ParameterizedTest
    @MethodSource("shipped")
    void everySideOfAConnectionHasATimeout(Path file) {
        Config config = ConfigLoader.builder().build().load(List.of(file)).valid().orElseThrow();
        for (Proxy p : config.proxies()) {
            List<TimeoutKind> needed = p.kind().isFrontend() ? List.of(TimeoutKind.CLIENT)
                    : List.of(TimeoutKind.SERVER, TimeoutKind.CONNECT);
            assertThat(p.timeouts()).as(file + ": " + p).containsKeys(needed.toArray(TimeoutKind[]::new));
        }
    }

    /** The comment lines at the top of the file, joined into one line of words. */
    private static String header(Path file) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            if (!line.startsWith("#")) {
                break;
            }
            b.append(line.substring(1).strip()).append(' ');
        }
        return b.toString().replaceAll("\\s+", " ");
    }
}
