package io.ferry.proxy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;

/**
 * A test that starts one Ferry and other resources (servers, sockets, added from any thread); all are
 * closed after each test.
 */
public abstract class FerryTestBase {

    protected final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();
    protected Ferry ferry;

    @AfterEach
    protected void closeFerryAndResources() throws Exception {
        if (ferry != null) {
            ferry.close();
        }
        for (AutoCloseable r : resources) {
            r.close();
        }
    }
}
