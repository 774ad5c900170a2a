package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code .if} conditions and the directives around them. The truth values were checked with
 * {@code haproxy -cc} 2.6 (whose version is 2.6.12; Ferry compares with 2.6).
 */
class ConditionEvaluatorTest {

    private final ConditionEvaluator conditions =
            new ConditionEvaluator(Map.of("FOO", "foo", "EMPTY", "")::get, Set.of("EPOLL"));

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiterString = "=>", textBlock = """
            defined(FOO)                    => true
            defined(EMPTY)                  => true
            defined(BAR)                    => false
            feature(EPOLL)                  => true
            feature(LUA)                    => false
            streq(a,a)                      => true
            streq(a,b)                      => false
            streq(a, a)                     => false
            strneq(a,b)                     => true
            strneq(a,a)                     => false
            version_atleast(2.6)            => true
            version_atleast(2.4.1)          => true
            version_atleast(2.6-dev1)       => true
            version_atleast(2.7)            => false
            version_atleast(2.10)           => false
            version_atleast(3)              => false
            version_before(2.7)             => true
            version_before(2.6)             => false
            version_before(2.10)            => true
            version_atleast(abc)            => true
            1                               => true
            0                               => false
            2                               => true
            -1                              => true
            !0                              => true
            !!!!1                           => true
            !(((1)))                        => false
            (1 || 0) && 0                   => false
            1 || 0 && 0                     => true
            defined(FOO) && !defined(BAR)   => true
            defined(BAR) || feature(EPOLL)  => true
            ''                              => false
            '   '                           => false
            """)
    void evaluates(String condition, boolean expected) {
        assertThat(conditions.evaluate(condition)).isEqualTo(expected);
    }

    @Test
    void wordsOfALineAreJoinedWithSpaces() {
        assertThat(conditions.evaluate(List.of("defined(FOO)", "&&", "1"))).isTrue();
        assertThat(conditions.evaluate(List.of("streq(a,", "a)"))).isFalse();
        assertThat(conditions.evaluate(List.of())).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "=>", quoteCharacter = '`', textBlock = """
            ((1) => missing ')' in condition '((1)'
            foo => unknown term 'foo' in condition 'foo'
            foo() => unknown predicate 'foo()' in condition 'foo()'
            1 2 => unexpected '2' in condition '1 2'
            defined(FOO) and 1 => unexpected 'and 1' in condition 'defined(FOO) and 1'
            1 && => expected a term at position 5 in condition '1 &&'
            && 1 => expected a term at position 1 in condition '&& 1'
            ! => expected a term at position 2 in condition '!'
            1 || foo => unknown term 'foo' in condition '1 || foo'
            0 && foo => unknown term 'foo' in condition '0 && foo'
            defined(A,B) => 'defined()' takes 1 argument, got 2
            defined() => 'defined()' takes 1 argument, got 0
            streq(a) => 'streq()' takes 2 arguments, got 1
            defined(FOO => missing ')' in condition 'defined(FOO'
            """)
    void malformedConditionsAreErrors(String condition, String message) {
        assertThatThrownBy(() -> conditions.evaluate(condition))
                .isInstanceOf(ConfigProblem.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(((ConfigProblem) e).fix()).isNotEmpty());
    }

    @Test
    void deepNestingIsRefusedNotOverflowed() {
        int n = ConditionEvaluator.MAX_DEPTH;
        assertThat(conditions.evaluate("(".repeat(n) + "1" + ")".repeat(n))).isTrue();
        assertThatThrownBy(() -> conditions.evaluate("(".repeat(n + 1) + "1" + ")".repeat(n + 1)))
                .isInstanceOf(ConfigProblem.class)
                .hasMessageEndingWith("nests parentheses more than 100 levels deep")
                .hasMessageContaining("...");
        assertThatThrownBy(() -> conditions.evaluate("!(".repeat(100_000)))
                .isInstanceOf(ConfigProblem.class);
        assertThat(conditions.evaluate("!".repeat(100_001) + "1")).isFalse();
    }

    @Test
    void messagesAboutLongConditionsAreShortened() {
        String longName = "x".repeat(10_000);
        assertThatThrownBy(() -> conditions.evaluate(longName))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
    }

    @Test
    void versionsCompareNumerically() {
        assertThat(ConditionEvaluator.compareVersions("2.10", "2.6")).isPositive();
        assertThat(ConditionEvaluator.compareVersions("2.6", "2.6.0")).isZero();
        assertThat(ConditionEvaluator.compareVersions("2.6", "2.6.1")).isNegative();
        assertThat(ConditionEvaluator.compareVersions("2.6", "99999999999999999999999")).isNegative();
    }

    // The directives, through the parser.

    private static LoadResult load(String text) {
        return ConfigLoader.builder().environment(Map.of("FOO", "foo")).features(Set.of("EPOLL")).build()
                .loadText("t.cfg", text);
    }

    private static List<String> notices(LoadResult r) {
        return r.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.NOTICE)
                .map(Diagnostic::message).toList();
    }

    @Test
    void ifElifElseSelectsOneBranch() {
        String text = """
                global
                .if defined(BAR)
                .notice one
                .elif feature(EPOLL)
                .notice two
                .elif 1
                .notice three
                .else
                .notice four
                .endif
                """;
        assertThat(notices(load(text))).containsExactly("two");
    }

    @Test
    void elseRunsWhenNothingMatched() {
        assertThat(notices(load("global\n.if 0\n.notice a\n.elif 0\n.notice b\n.else\n.notice c\n.endif\n")))
                .containsExactly("c");
    }

    @Test
    void nestedBlocksInsideAnUnselectedBranchStayOff() {
        String text = """
                global
                .if 0
                  .if 1
                  .notice inner-if
                  .else
                  .notice inner-else
                  .endif
                .notice outer-if
                .else
                  .if 1
                  .notice nested-taken
                  .endif
                .endif
                .notice after
                """;
        assertThat(notices(load(text))).containsExactly("nested-taken", "after");
    }

    @Test
    void linesInAnUnselectedBlockAreNotParsed() {
        LoadResult r = load("global\n.if 0\n.foo\nbogus keyword\n.if junk(\n.endif\n.endif\n");
        assertThat(r.errors()).isEmpty();
    }

    @Test
    void aLineThatCannotBeSplitIsAnErrorEvenInAnUnselectedBlock() {
        LoadResult r = load("global\n.if 0\n\"unterminated\n.endif\n");
        assertThat(r.errors()).singleElement().satisfies(e -> {
            assertThat(e.location()).isEqualTo(new Location("t.cfg", 3));
            assertThat(e.message()).startsWith("unmatched quote at position 1");
        });
    }

    @Test
    void selectedBlocksMayHoldSections() {
        String text = """
                .if defined(FOO)
                backend on
                    server s 127.0.0.1:8000
                .else
                backend off
                    server s 127.0.0.1:8000
                .endif
                """;
        Config c = load(text).valid().orElseThrow();
        assertThat(c.backends()).extracting(Proxy::name).containsExactly("on");
    }

    @Test
    void directiveErrorsNameTheirLine() {
        assertError("global\n.endif\n", 2, ".endif", "'.endif' without a matching '.if'");
        assertError("global\n.elif 1\n", 2, ".elif", "'.elif' without a matching '.if'");
        assertError("global\n.else\n", 2, ".else", "'.else' without a matching '.if'");
        assertError("global\n.if 1\n.else\n.else\n.endif\n", 4, ".else", "a second '.else' in the same block");
        assertError("global\n.if 1\n.else\n.elif 1\n.endif\n", 4, ".elif", "'.elif' after '.else'");
        assertError("global\n.foo\n", 2, ".foo", "unknown directive '.foo'");
        assertError("global\n.if 1\n", 2, ".if", "missing '.endif' for this '.if' at the end of the file");
        assertError("global\n.if 1\n.endif extra\n", 3, ".endif", "unexpected argument 'extra' for '.endif'");
        assertError("global\n.if 1\n.else x\n.endif\n", 3, ".else", "unexpected argument 'x' for '.else'");
        assertError("global\n.if junk(\n.endif\n", 2, ".if", "missing ')' in condition 'junk('");
    }

    @Test
    void messageDirectivesReportAtTheirSeverity() {
        LoadResult r = load("global\n.notice \"hello\"\n.warning careful now\n.diag d\n");
        assertThat(r.errors()).isEmpty();
        assertThat(r.diagnostics()).extracting(Diagnostic::severity, Diagnostic::location, Diagnostic::message)
                .containsExactly(
                        tuple(Diagnostic.Severity.NOTICE, new Location("t.cfg", 2), "hello"),
                        tuple(Diagnostic.Severity.WARNING, new Location("t.cfg", 3),
                                "careful now"),
                        tuple(Diagnostic.Severity.DIAG, new Location("t.cfg", 4), "d"));
        assertThat(r.valid()).isPresent();
    }

    @Test
    void alertDirectiveMakesTheConfigurationInvalid() {
        LoadResult r = load("global\n.if !defined(BAR)\n.alert \"BAR must be set\"\n.endif\n");
        assertThat(r.valid()).isEmpty();
        assertThat(r.errors()).singleElement().satisfies(e -> {
            assertThat(e.location()).isEqualTo(new Location("t.cfg", 3));
            assertThat(e.message()).isEqualTo("BAR must be set");
            assertThat(e.format()).isEqualTo("[ALERT]    config : parsing [t.cfg:3] : BAR must be set");
        });
    }

    private static void assertError(String text, int line, String keyword, String message) {
        LoadResult r = load(text);
        assertThat(r.valid()).as(text).isEmpty();
        assertThat(r.errors()).as(text).singleElement().satisfies(e -> {
            assertThat(e.location()).isEqualTo(new Location("t.cfg", line));
            assertThat(e.keyword()).isEqualTo(keyword);
            assertThat(e.message()).isEqualTo(message);
            assertThat(e.fix()).isNotEmpty();
        });
    }
}
