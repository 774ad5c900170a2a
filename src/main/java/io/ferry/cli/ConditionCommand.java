package io.ferry.cli;

import io.ferry.config.ConfigProblem;
import io.ferry.config.Tokenizer;
import java.util.List;
import java.util.Map;

/** {@code ferry -cc EXPR}: exit 0 when the {@code .if} condition is true, 1 when false, 2 when malformed. */
final class ConditionCommand {

    private ConditionCommand() {
    }

    static int run(Options options, Map<String, String> env, Console console) {
        try {
            // The expression is read like the rest of a .if line: quotes, escapes and "${VAR}" apply.
            List<String> words = new Tokenizer(ConfigLoading.environment(options, env)::get).split(options.condition());
            boolean value = ConfigLoading.loader(options, env).conditions().evaluate(words);
            return value ? ExitCodes.OK : ExitCodes.FAILURE;
        } catch (ConfigProblem e) {
            String fix = e.fix().isEmpty() ? "" : ". Fix: " + e.fix();
            console.alert("config : Failed to evaluate condition: " + e.getMessage() + fix);
            return ExitCodes.MALFORMED_CONDITION;
        }
    }
}
