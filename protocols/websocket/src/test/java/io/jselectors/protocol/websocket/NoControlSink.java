package io.jselectors.protocol.websocket;

import io.netty.buffer.ByteBuf;

/** A sink that releases data messages and ignores control frames; tests override what they watch. */
abstract class NoControlSink implements MessageAssembler.Sink {
    @Override
    public void onText(ByteBuf utf8) {
        utf8.release();
    }

    @Override
    public void onBinary(ByteBuf data) {
        data.release();
    }

    @Override
    public void onPing(byte[] payload, int length) {}

    @Override
    public void onPong(byte[] payload, int length) {}

    @Override
    public void onClose(int code, String reason) {}
}
