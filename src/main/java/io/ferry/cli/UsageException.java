package io.ferry.cli;

/** A command line Ferry cannot act on: the message says why, and the usage text follows it. */
final class UsageException extends Exception {

    UsageException(String message) {
        super(message, null, false, false);
    }
}
