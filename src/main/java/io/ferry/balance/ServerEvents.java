package io.ferry.balance;

/**
 * What the proxy layer does for a backend when its servers change state: the balancer's side
 * ({@link ServerHealthLog}) decides when, this says how.
 */
public interface ServerEvents {

    /** Why streams on a server are closed: HAProxy's termination codes {@code D} and {@code U}. */
    enum Cut {
        /** {@code on-marked-down shutdown-sessions}: the server went DOWN or into maintenance. */
        SERVER_DOWN,
        /** {@code on-marked-up shutdown-backup-sessions}: an active server came back. */
        BACKUP_CUT
    }

    /** Hands free server slots to the backend's waiting streams; returns how many got one. */
    int dispatchQueued();

    /** Closes every stream on {@code server} now, without waiting for them; logged with {@code why}. */
    void cut(BackendServer server, Cut why);

    /** Runs {@code task} once after {@code delayMs} (the steps of a slow start). */
    void schedule(Runnable task, long delayMs);
}
