package io.ferry.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class LeakCheckExtensionTest {

    @Test
    void aBufferCollectedWithoutReleaseFailsTheTest() {
        leak();
        assertThatThrownBy(() -> LeakCheckExtension.check(true))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("buffer leak(s) reported by Netty")
                .hasMessageContaining("LeakCheckExtensionTest.leak");
    }

    @Test
    void releasedBuffersPass() {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        b.writeInt(1);
        b.release();
        LeakCheckExtension.check(true);
    }

    private static void leak() {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        b.writeInt(42);
    }
}
