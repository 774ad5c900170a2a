package io.ferry.config.advisor;

import io.ferry.config.Config;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads a valid configuration the way an experienced operator would and says, with numbers, what it
 * will do to connections: {@code ferry -c} prints the findings, and start-up prints them once.
 * Findings never make a configuration invalid.
 *
 * <pre>{@code
 * List<Finding> findings = Advisor.advise(config, MachineFacts.current());
 * findings.forEach(f -> System.err.println(f.format()));
 * }</pre>
 *
 * <p>The rules, by identifier: {@code long-timeout}, {@code missing-timeout}, {@code slowloris},
 * {@code websocket-tunnel}, {@code misplaced-timeout} (timeouts); {@code fd-limit},
 * {@code port-range}, {@code memory}, {@code queue} (capacity); {@code retries-redispatch},
 * {@code nolinger-defaults}, {@code nbproc}, {@code unused-backend}, {@code check-address}
 * (sections). {@code docs/advisor.md} explains each.
 */
public final class Advisor {

    /** One family of rules. */
    interface Rule {
        void check(Config config, MachineFacts machine, List<Finding> out);
    }

    private static final List<Rule> RULES = List.of(new TimeoutRules(), new CapacityRules(), new SectionRules());

    private Advisor() {
    }

    /** Every finding for {@code config} on {@code machine}, ordered by file and line. */
    public static List<Finding> advise(Config config, MachineFacts machine) {
        List<Finding> out = new ArrayList<>();
        for (Rule r : RULES) {
            r.check(config, machine, out);
        }
        out.sort(Comparator.comparing((Finding f) -> f.location().file()).thenComparingInt(f -> f.location().line()));
        return List.copyOf(out);
    }
}
