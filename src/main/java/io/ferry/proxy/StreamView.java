package io.ferry.proxy;

/** A live stream as the runtime API sees it; both methods run on the stream's event loop. */
interface StreamView {

    /** Its number, unique in the process; readable from any thread. */
    long id();

    StreamSnapshot snapshot();

    /** Ends the stream now, as an administrator's {@code shutdown session} (logged with {@code K}). */
    void kill();

    /** The server of its current transaction, null when there is none. */
    io.ferry.balance.BackendServer server();
}
