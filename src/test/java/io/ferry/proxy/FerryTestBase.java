package io.ferry.proxy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** A test that starts one Ferry and other resources (servers, sockets); all are closed after each test. */
abstract class FerryTestBase {

    protected final List<AutoCloseable> resources = new ArrayList<>();
    protected Ferry ferry;

    @AfterEach
    void closeFerryAndResources() throws Exception {
        if (ferry != null) {
            ferry.close();
        }
        for (AutoCloseable r : resources) {
            r.close();
        }
    }
}
