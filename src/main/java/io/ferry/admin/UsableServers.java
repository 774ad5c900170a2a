package io.ferry.admin;

import io.ferry.balance.BackendServer;
import io.ferry.proxy.Backend;

/**
 * A backend's servers usable now, as HAProxy sums them for its {@code act}, {@code bck} and
 * {@code weight} figures: the weight of the usable active servers, or of the backups when no active
 * one is usable.
 */
record UsableServers(int active, int backup, int weight) {

    static UsableServers of(Backend b) {
        int act = 0;
        int bck = 0;
        int activeWeight = 0;
        int backupWeight = 0;
        for (BackendServer s : b.servers()) {
            if (s.usable()) {
                if (s.backup()) {
                    bck++;
                    backupWeight += s.currentWeight();
                } else {
                    act++;
                    activeWeight += s.currentWeight();
                }
            }
        }
        return new UsableServers(act, bck, act > 0 ? activeWeight : backupWeight);
    }

    /** {@code UP} when a server is usable, else {@code DOWN}. */
    String status() {
        return active + backup > 0 ? "UP" : "DOWN";
    }
}
