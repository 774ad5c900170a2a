package io.ferry.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.config.Config;
import io.ferry.config.Proxy;
import io.ferry.testing.Configs;
import io.netty.channel.ChannelException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A check that cannot even have a socket. */
class HealthCheckerTest {

    @Test
    void aCheckWithoutASocketForLackOfDescriptorsIsASocketErrorThatSaysWhy() throws Exception {
        Config c = Configs.parse("backend b\n    server s 127.0.0.1:80 check\n");
        Proxy p = c.backends().get(0);
        CheckSpec spec = CheckSpec.of(p, p.servers().get(0));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            CompletableFuture<CheckResult> result = new CompletableFuture<>();
            CompletableFuture<Boolean> onLoop = new CompletableFuture<>();
            HealthChecker checker = new HealthChecker(spec, group.next(), () -> {
                // what NIO's socket channel throws when socket() fails with EMFILE
                throw new ChannelException("Failed to open a socket.", new IOException("Too many open files"));
            }, () -> CheckSpec.Phase.HEALTHY, r -> {
                onLoop.complete(group.next().inEventLoop());
                result.complete(r);
            }, 0, System::nanoTime);
            checker.start(0);
            CheckResult r = result.get(5, TimeUnit.SECONDS);
            checker.stop();
            assertThat(r.status()).isEqualTo(CheckStatus.SOCKERR);
            assertThat(r.info()).isEqualTo("General socket error (Too many open files)");
            assertThat(onLoop.get()).as("the result is told on the check's loop").isTrue();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
