package io.ferry.proxy;

/** A live stream as the runtime API sees it; both methods run on the stream's event loop. */
interface StreamView {

    /** Its number, unique in the process; readable from any thread. */
    long id();

    StreamSnapshot snapshot();

    /**
     * Ends the stream now, logged with {@code cause}: {@code K} for an administrator's {@code
     * shutdown session}, {@code D} or {@code U} when its server went down or a backup is cut.
     */
    void kill(io.ferry.log.Termination.Cause cause);

    /** The server of its current transaction, null when there is none. */
    io.ferry.balance.BackendServer server();

    /** Its deadlines; read on its event loop. */
    Deadlines deadlines();
}
