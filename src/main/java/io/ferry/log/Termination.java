package io.ferry.log;

/**
 * HAProxy's session termination state: two characters, what ended the stream ({@link Cause}) and
 * where it was then ({@link Phase}). {@code --} is a normal end.
 *
 * <pre>{@code
 * Termination.of(Cause.SERVER_TIMEOUT, Phase.HEADERS).code()   // "sH": 504 before response headers
 * }</pre>
 */
public record Termination(Cause cause, Phase phase) {

    /** A normal end: {@code --}. */
    public static final Termination NORMAL = new Termination(Cause.NONE, Phase.NONE);

    /** The first character: what ended the stream. */
    public enum Cause {
        NONE('-'), CLIENT_ABORT('C'), SERVER_ABORT('S'), PROXY('P'), LOCAL('L'), RESOURCE('R'), INTERNAL('I'),
        SERVER_DOWN('D'), BACKUP_CUT('U'), KILLED('K'), CLIENT_TIMEOUT('c'), SERVER_TIMEOUT('s');

        private final char code;

        Cause(char code) {
            this.code = code;
        }

        public char code() {
            return code;
        }

        /**
         * Whether HAProxy counts it as an error for {@code option log-separate-errors}: anything but
         * a normal or local end.
         */
        boolean isError() {
            return this != NONE && this != LOCAL;
        }
    }

    /** The second character: where the stream was when it ended. */
    public enum Phase {
        NONE('-'), REQUEST('R'), QUEUE('Q'), CONNECT('C'), HEADERS('H'), DATA('D'), LAST_DATA('L'), TARPIT('T');

        private final char code;

        Phase(char code) {
            this.code = code;
        }

        public char code() {
            return code;
        }
    }

    public static Termination of(Cause cause, Phase phase) {
        return new Termination(cause, phase);
    }

    /** The two characters as logged. */
    public String code() {
        return new String(new char[] {cause.code, phase.code});
    }

    @Override
    public String toString() {
        return code();
    }
}
