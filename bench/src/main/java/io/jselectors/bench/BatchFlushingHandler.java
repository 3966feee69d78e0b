package io.jselectors.bench;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * What every Netty baseline server does around its own {@code channelRead}: it writes without
 * flushing, flushes once per read batch (so pipelined requests share one write, as ours do), and
 * closes a connection whose peer failed. Subclasses only answer what they read.
 */
abstract class BatchFlushingHandler extends ChannelInboundHandlerAdapter {

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A peer that resets its connection is normal at the end of a load run.
        ctx.close();
    }
}
