package io.ferry.testing;

import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@link WebSocket.Listener} that queues every whole text message it receives, except those
 * {@code skip} matches, for a test to take one by one.
 */
public final class TextMessages implements WebSocket.Listener {

    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final Predicate<String> skip;

    public TextMessages(Predicate<String> skip) {
        this.skip = skip;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String message = partial.toString();
            partial.setLength(0);
            if (!skip.test(message)) {
                queue.add(message);
            }
        }
        ws.request(1);
        return null;
    }

    /** The next message; fails when none arrives within {@code wait}. */
    public String next(Duration wait) throws InterruptedException {
        String m = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new AssertionError("no WebSocket message within " + wait);
        }
        return m;
    }

    /** Whether no message is waiting. */
    public boolean isEmpty() {
        return queue.isEmpty();
    }
}
