package io.ferry.check;

/**
 * What a probe concluded, before the runner adds the duration: a {@link CheckStatus}, the code
 * ({@code -1} for none) and HAProxy's info text (null for none).
 */
record Verdict(CheckStatus status, int code, String info) {

    static Verdict of(CheckStatus status) {
        return new Verdict(status, -1, null);
    }

    static Verdict of(CheckStatus status, String info) {
        return new Verdict(status, -1, info);
    }

    CheckResult withDuration(long durationMs) {
        return new CheckResult(status, code, info, durationMs);
    }
}
