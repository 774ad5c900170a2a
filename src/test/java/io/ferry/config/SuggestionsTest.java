package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

    private static final List<String> KEYWORDS = List.of("maxconn", "mode", "timeout", "default_backend",
            "use_backend", "retries", "bind", "server");

    @Test
    void distanceCountsEditsAndSwapsOfNeighbours() {
        assertThat(Suggestions.distance("maxconn", "maxconn")).isZero();
        assertThat(Suggestions.distance("mxaconn", "maxconn")).isEqualTo(1);
        assertThat(Suggestions.distance("maxcon", "maxconn")).isEqualTo(1);
        assertThat(Suggestions.distance("maxconnn", "maxconn")).isEqualTo(1);
        assertThat(Suggestions.distance("maxcomn", "maxconn")).isEqualTo(1);
        assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
        assertThat(Suggestions.distance("clinet", "client")).isEqualTo(1);
        assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
    }

    @Test
    void suggestsTheClosestLikelyTypo() {
        assertThat(Suggestions.closest("mxaconn", KEYWORDS)).isEqualTo("maxconn");
        assertThat(Suggestions.closest("defualt_backend", KEYWORDS)).isEqualTo("default_backend");
        assertThat(Suggestions.closest("usebackend", KEYWORDS)).isEqualTo("use_backend");
        assertThat(Suggestions.closest("ngnix", List.of("nginx", "node"))).isEqualTo("nginx");
    }

    @Test
    void noSuggestionWhenNothingIsClose() {
        assertThat(Suggestions.closest("frobnicate", KEYWORDS)).isNull();
        assertThat(Suggestions.closest("x", List.of())).isNull();
        assertThat(Suggestions.closest("zzzz", List.of("mode"))).isNull();
    }

    @Test
    void shortWordsAllowTwoEdits() {
        assertThat(Suggestions.closest("md", List.of("mode"))).isEqualTo("mode");
        assertThat(Suggestions.closest("m", List.of("mode"))).isNull();
    }

    @Test
    void firstOfEquallyCloseCandidatesWins() {
        assertThat(Suggestions.closest("bo", List.of("ba", "bc"))).isEqualTo("ba");
    }

    @Test
    void veryLongWordsAreBoundedWork() {
        String huge = "m".repeat(5_000_000);
        List<String> candidates = List.of("maxconn", "m".repeat(4_999_999), "mode");
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            assertThat(Suggestions.closest(huge, candidates)).isNull();
            assertThat(Suggestions.closest("mode", candidates)).isEqualTo("mode");
            assertThat(Suggestions.closest("m".repeat(Suggestions.MAX_WORD), List.of("m".repeat(Suggestions.MAX_WORD - 1))))
                    .hasSize(Suggestions.MAX_WORD - 1);
        });
    }
}
