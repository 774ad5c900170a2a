package io.ferry.admin;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One runtime API connection, as HAProxy's CLI: a line of commands separated by {@code ;}, each
 * answer ended by an empty line, then the connection closes; after {@code prompt} it stays open
 * and prints {@code > } before each line. Commands run on the service's own thread, not on the
 * event loop, since some wait for every event loop (listing streams).
 */
final class CliHandler extends SimpleChannelInboundHandler<String> {

    private final Commands commands;
    private final Commands.Session session;
    private final Executor executor;

    CliHandler(Commands commands, Level level, Executor executor) {
        this.commands = commands;
        this.session = new Commands.Session(level);
        this.executor = executor;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, String line) {
        if (!session.prompt) {
            // One line per connection: what follows it is not read.
            ctx.channel().config().setAutoRead(false);
        }
        try {
            executor.execute(() -> answer(ctx, line));
        } catch (RejectedExecutionException e) {
            ctx.close();
        }
    }

    private void answer(ChannelHandlerContext ctx, String line) {
        StringBuilder out = new StringBuilder();
        boolean quit = false;
        for (String command : line.split(";")) {
            if (command.isBlank()) {
                continue;
            }
            String answer;
            try {
                answer = commands.run(command, session);
            } catch (RuntimeException e) {
                answer = "Internal error: " + e + "\n";
            }
            if (answer == null) {
                quit = true;
                break;
            }
            out.append(answer).append('\n');
        }
        if (!quit && session.prompt) {
            out.append("> ");
            ctx.channel().config().setAutoRead(true);
        }
        if (out.length() > 0) {
            ctx.writeAndFlush(out.toString());
        }
        if (quit || !session.prompt) {
            ctx.writeAndFlush("").addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            // stats timeout: an idle connection is closed.
            ctx.close();
        } else if (evt instanceof ChannelInputShutdownEvent) {
            // The client said all it will say: close once what it asked is answered (same thread, in order)
            // and sent. A close while the answer's write is still with the kernel would cancel it (io_uring).
            try {
                executor.execute(() -> ctx.writeAndFlush("").addListener(ChannelFutureListener.CLOSE));
            } catch (RejectedExecutionException e) {
                ctx.close();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
