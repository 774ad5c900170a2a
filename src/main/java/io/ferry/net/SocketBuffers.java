package io.ferry.net;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOption;

/**
 * The kernel's send and receive buffer sizes for a TCP connection ({@code SO_SNDBUF},
 * {@code SO_RCVBUF}), as {@code tune.sndbuf.*} and {@code tune.rcvbuf.*} ask; 0 leaves the kernel
 * its own sizing. Linux doubles what it is given (for its bookkeeping) and holds it: the buffer no
 * longer grows with the connection's speed.
 *
 * <pre>{@code
 * new SocketBuffers(4096, 0).apply(channel.config());
 * }</pre>
 */
public record SocketBuffers(int send, int receive) {

    /** The kernel sizes both buffers itself. */
    public static final SocketBuffers NONE = new SocketBuffers(0, 0);

    /** Sets the sizes asked for on a connection; a system call each, none when neither is. */
    public void apply(ChannelConfig config) {
        if (send > 0) {
            config.setOption(ChannelOption.SO_SNDBUF, send);
        }
        if (receive > 0) {
            config.setOption(ChannelOption.SO_RCVBUF, receive);
        }
    }
}
