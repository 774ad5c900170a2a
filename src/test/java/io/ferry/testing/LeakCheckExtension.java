package io.ferry.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty's leak detector reports a buffer that was garbage-collected without
 * being released. Registered for every test through {@code META-INF/services}; the surefire
 * configuration runs with {@code -Dio.netty.leakDetection.level=paranoid}, so every buffer is
 * tracked.
 *
 * <p>Leaks are found when the garbage collector has queued an unreleased buffer; after each test the
 * extension runs the collector and then allocates tracked buffers, which is what makes the detector
 * look at its queue. A leak caused by one test and found only during a later one fails that later
 * test, naming the creation trace, so it is never lost.
 */
public final class LeakCheckExtension implements BeforeEachCallback, AfterEachCallback {

    private static final List<String> LEAKS = new ArrayList<>();

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        collect();
        synchronized (LEAKS) {
            LEAKS.clear();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        collect();
        List<String> found;
        synchronized (LEAKS) {
            found = new ArrayList<>(LEAKS);
            LEAKS.clear();
        }
        if (!found.isEmpty()) {
            throw new AssertionError(found.size() + " buffer leak(s) reported by Netty:\n" + String.join("\n", found));
        }
    }

    /** Runs the collector and polls the detector's reference queue a few times. */
    private static void collect() {
        for (int i = 0; i < 4; i++) {
            System.gc();
            ByteBuf probe = UnpooledByteBufAllocator.DEFAULT.directBuffer(1);
            probe.release();
            ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(1);
            heap.release();
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {

        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                   long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {

        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            record("LEAK: " + resourceType + " released too late or never:" + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            record("LEAK: " + resourceType + " released too late or never (no trace)");
        }

        private static void record(String leak) {
            synchronized (LEAKS) {
                LEAKS.add(leak);
            }
        }
    }
}
