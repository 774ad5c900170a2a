package io.ferry.log;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log messages on their way to their sinks: a bounded queue drained by one thread, so that an
 * event loop never waits for a socket or a terminal. When the queue is full a message is dropped
 * and counted ({@link #dropped()}), never waited for.
 */
public final class LogQueue implements AutoCloseable {

    /** Messages waiting at most, by default. */
    public static final int DEFAULT_CAPACITY = 16_384;

    private static final Logger LOG = LoggerFactory.getLogger(LogQueue.class);

    private record Entry(LogSink sink, byte[] message) {
    }

    /** Put in the queue by {@link #close} to wake the thread if it waits for a message. */
    private static final Entry STOP = new Entry(null, new byte[0]);

    private final BlockingQueue<Entry> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopping;

    public LogQueue(int capacity) {
        queue = new ArrayBlockingQueue<>(capacity);
        thread = new Thread(this::drain, "ferry-log");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a message for {@code sink}; false (and counted) when the queue is full or closed. */
    boolean offer(LogSink sink, byte[] message) {
        if (stopping || !queue.offer(new Entry(sink, message))) {
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    /** Messages dropped because the queue was full (or closed). */
    public long dropped() {
        return dropped.get();
    }

    /** Messages a sink failed to send (an unreachable syslog socket, a closed output). */
    public long failed() {
        return failed.get();
    }

    /** Messages handed to their sinks. */
    public long sent() {
        return sent.get();
    }

    /**
     * Sends each message as it comes. The thread waits without a timeout while there is none, so an
     * idle proxy's log thread stays asleep; {@link #close} wakes it, and it ends once the queue is
     * empty.
     */
    private void drain() {
        boolean warned = false;
        while (true) {
            Entry e = queue.poll();
            if (e == null) {
                if (stopping) {
                    return;
                }
                try {
                    e = queue.take();
                } catch (InterruptedException ex) {
                    return;
                }
            }
            if (e == STOP) {
                continue;
            }
            try {
                e.sink.send(e.message);
                sent.incrementAndGet();
            } catch (IOException | RuntimeException ex) {
                failed.incrementAndGet();
                if (!warned) {
                    warned = true;
                    LOG.warn("cannot send a log message ({}); further failures are only counted", ex.toString());
                }
            }
        }
    }

    /** The state of the thread that sends the messages, for tests. */
    Thread.State threadState() {
        return thread.getState();
    }

    /** Sends what is queued, then stops the thread. */
    @Override
    public void close() {
        stopping = true;
        // When the queue is full the thread is busy with it, and sees stopping once it is empty.
        queue.offer(STOP);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
