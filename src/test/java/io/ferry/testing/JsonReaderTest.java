package io.ferry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReaderTest {

    @Test
    void readsEveryKindOfValue() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("id", 3.0);
        expected.put("result", Map.of("value", "a\"b\\c\n\u00e9/"));
        expected.put("list", Arrays.asList(true, false, null, -1.5e2, List.of(), Map.of()));

        assertThat(JsonReader.parse(" {\"id\":3,\"result\":{\"value\":\"a\\\"b\\\\c\\n\\u00e9\\/\"},"
                + "\"list\":[true, false, null, -1.5e2, [], {}]} ")).isEqualTo(expected);
    }

    @Test
    void malformedInputSaysWhereAndWhat() {
        assertThatThrownBy(() -> JsonReader.parse("{\"a\" 1}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("JSON: expected ':' at offset 5 of: {\"a\" 1}");
        assertThatThrownBy(() -> JsonReader.parse("[1] x")).hasMessage("JSON: expected the end of the text at offset 4 of: [1] x");
    }
}
