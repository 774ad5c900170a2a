package io.ferry.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.proxy.Ferry;
import io.ferry.testing.Configs;
import io.ferry.testing.JsonReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chart's history keeps the newest samples in a ring of fixed size, oldest first. */
@SuppressWarnings("unchecked")
class StateHistoryTest extends AdminTestBase {

    @Test
    void keepsTheNewestSamplesOldestFirst() {
        ferry = Ferry.start(Configs.parse(Configs.HTTP_DEFAULTS + """
                frontend fe
                    bind 127.0.0.1:0
                    default_backend be
                backend be
                    server s1 127.0.0.1:1
                """));
        StateHistory h = new StateHistory(ferry, 3);
        assertThat(times(h)).isEmpty();
        h.sample(1000);
        h.sample(2000);
        assertThat(times(h)).containsExactly(1000.0, 2000.0);
        h.sample(3000);
        h.sample(4000);
        h.sample(5000);
        assertThat(h.size()).isEqualTo(3);
        assertThat(times(h)).containsExactly(3000.0, 4000.0, 5000.0);
        Map<?, ?> json = (Map<?, ?>) JsonReader.parse(h.json(1000));
        Map<?, ?> fe = (Map<?, ?>) ((List<?>) json.get("proxies")).get(0);
        assertThat(fe.get("name")).isEqualTo("fe");
        assertThat((List<Object>) ((List<?>) fe.get("samples")).get(0)).containsExactly(3000.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    }

    private static List<Object> times(StateHistory h) {
        Map<?, ?> json = (Map<?, ?>) JsonReader.parse(h.json(1000));
        Map<?, ?> be = (Map<?, ?>) ((List<?>) json.get("proxies")).get(1);
        return ((List<?>) be.get("samples")).stream().map(s -> (Object) ((List<?>) s).get(0)).toList();
    }
}
