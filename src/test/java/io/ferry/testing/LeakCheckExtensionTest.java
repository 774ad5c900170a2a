package io.ferry.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class LeakCheckExtensionTest {

    @Test
    void aBufferCollectedWithoutReleaseFailsTheTest() {
        leak();
        assertThatThrownBy(() -> new LeakCheckExtension().afterEach(null))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("buffer leak(s) reported by Netty")
                .hasMessageContaining("LeakCheckExtensionTest.leak");
    }

    @Test
    void releasedBuffersPass() {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        b.writeInt(1);
        b.release();
        new LeakCheckExtension().afterEach(null);
    }

    private static void leak() {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        b.writeInt(42);
    }
}
