package io.ferry.admin;

import io.ferry.proxy.Ferry;
import io.ferry.testing.Configs;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The stats CSV writer: {@code show stat} (and the stats page's {@code ;csv}) for a running Ferry
 * with 10 frontends and 10 backends of 10 servers each: 120 rows. Run by {@code bench/jmh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StatTableBenchmark {

    private Ferry ferry;

    @Setup(Level.Trial)
    public void setUp() {
        StringBuilder cfg = new StringBuilder(Configs.HTTP_DEFAULTS);
        for (int p = 0; p < 10; p++) {
            cfg.append("frontend fe").append(p).append("\n    bind 127.0.0.1:0\n    default_backend be").append(p)
                    .append("\nbackend be").append(p).append('\n');
            for (int s = 0; s < 10; s++) {
                cfg.append("    server s").append(s).append(" 127.0.0.1:").append(1 + s).append('\n');
            }
        }
        ferry = Ferry.start(Configs.parse(cfg.toString()));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ferry.close();
    }

    @Benchmark
    public String csv() {
        return StatTable.csv(StatTable.rows(ferry));
    }
}
