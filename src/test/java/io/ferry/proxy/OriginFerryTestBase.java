package io.ferry.proxy;

import io.ferry.testing.TestOrigin;
import org.junit.jupiter.api.AfterEach;

/** A test with one origin named {@code o} and the Ferry it starts in front of it; both stop after each test. */
abstract class OriginFerryTestBase {

    protected final TestOrigin origin = TestOrigin.start("o");
    protected Ferry ferry;

    @AfterEach
    void stopFerryAndOrigin() {
        if (ferry != null) {
            ferry.close();
        }
        origin.close();
    }
}
