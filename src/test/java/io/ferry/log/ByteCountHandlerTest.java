package io.ferry.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPipelineException;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ByteCountHandlerTest {

    @Test
    void tellsItsListenerWhatPassesEachWay() {
        ByteCountHandler h = new ByteCountHandler();
        List<String> told = new ArrayList<>();
        h.listener(new ByteCountHandler.Listener() {
            @Override
            public void read(long bytes) {
                told.add("read " + bytes);
            }

            @Override
            public void written(long bytes) {
                told.add("written " + bytes);
            }
        });
        EmbeddedChannel ch = new EmbeddedChannel(h);
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", StandardCharsets.US_ASCII));
        ch.writeOutbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\n\r\n", StandardCharsets.US_ASCII));

        assertThat(told).containsExactly("read 16", "written 19");
        assertThat(ch.finishAndReleaseAll()).isTrue();
    }

    /** One handler counts for one connection: a second pipeline refuses it, as Netty does for any handler not marked sharable. */
    @Test
    void belongsToOnePipeline() {
        ByteCountHandler h = new ByteCountHandler();
        EmbeddedChannel first = new EmbeddedChannel(h);
        assertThat(h.isSharable()).isFalse();
        assertThatThrownBy(() -> new EmbeddedChannel().pipeline().addLast(h))
                .isInstanceOf(ChannelPipelineException.class)
                .hasMessageContaining("is not a @Sharable handler");
        first.finishAndReleaseAll();
    }
}
