package io.ferry.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test (or, for leaks found by the collection at the end of a class, the class) when
 * Netty's leak detector reports a buffer that was garbage-collected without being released. Registered for every test through {@code META-INF/services}; the surefire
 * configuration runs with {@code -Dio.netty.leakDetection.level=paranoid}, so every buffer is
 * tracked.
 *
 * <p>Leaks are found when the garbage collector has queued an unreleased buffer and a tracked
 * buffer is then allocated. After each test the extension polls (cheap); after each class that
 * allocated buffers it runs the collector until its references are processed, then polls, so
 * every leak fails the class that made it, naming the creation trace. A full collection after
 * every test made suites with many small tests take minutes.
 */
public final class LeakCheckExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private static final List<String> LEAKS = new ArrayList<>();
    /** Whether a tracked buffer was allocated since the last collection: without one, nothing can have leaked. */
    private static final AtomicBoolean ALLOCATED = new AtomicBoolean();

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // Leaks of earlier classes were reported there; start clean.
        check(false);
    }

    /** After each test: leaks the collector has already found fail that test (cheap: no collection). */
    @Override
    public void afterEach(ExtensionContext context) {
        poll();
        fail();
    }

    /** After each class: a full collection, so that no leak of its tests goes unreported. */
    @Override
    public void afterAll(ExtensionContext context) {
        check(true);
    }

    /** Collects (when a buffer was allocated since last time), and fails with any leak found when asked. */
    public static void check(boolean failOnLeak) {
        if (ALLOCATED.getAndSet(false)) {
            collect();
        }
        if (failOnLeak) {
            fail();
        } else {
            synchronized (LEAKS) {
                LEAKS.clear();
            }
        }
    }

    private static void fail() {
        List<String> found;
        synchronized (LEAKS) {
            found = new ArrayList<>(LEAKS);
            LEAKS.clear();
        }
        if (!found.isEmpty()) {
            throw new AssertionError(found.size() + " buffer leak(s) reported by Netty:\n" + String.join("\n", found));
        }
    }

    /** Allocating tracked buffers makes the detectors look at what the collector queued. */
    private static void poll() {
        ByteBuf probe = UnpooledByteBufAllocator.DEFAULT.directBuffer(1);
        probe.release();
        ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(1);
        heap.release();
    }

    /**
     * Runs the collector until a sentinel object's reference has been enqueued (so the references
     * of that collection, leaked buffers' included, have been processed), then allocates tracked
     * buffers, which makes the detectors poll their queues.
     */
    private static void collect() {
        for (int i = 0; i < 2; i++) {
            ReferenceQueue<Object> queue = new ReferenceQueue<>();
            WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
            try {
                for (int round = 0; round < 20 && queue.poll() == null; round++) {
                    System.gc();
                    queue.remove(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            sentinel.clear();
            poll();
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
        protected Object getInitialHint(String resourceType) {
            ALLOCATED.set(true);
            return null;
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
