package io.jselectors.examples.daytime;

import static java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME;

import io.jselectors.protocol.Connection;
import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.Protocol;
import io.jselectors.protocol.ProtocolHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * RFC 867 daytime: on connect, the server sends the date and time as one line and closes. The whole
 * plugin is this class and the file {@code META-INF/services/io.jselectors.protocol.Protocol} naming
 * it.
 *
 * <p>Option {@code zone} (default {@code UTC}) sets the time zone, e.g. {@code --option
 * daytime.zone=Europe/Paris}.
 */
public final class DaytimeProtocol implements Protocol {

    @Override
    public String name() {
        return "daytime";
    }

    /** RFC 867 says port 13; a port above 1023 needs no privileges. */
    @Override
    public int defaultPort() {
        return 7013;
    }

    @Override
    public String description() {
        return "RFC 867 daytime: sends the date and time, then closes";
    }

    /** Parsed once per listener, so a bad zone stops the server at startup, not at each connection. */
    @Override
    public Object createSharedState(ListenerContext listener) {
        return ZoneId.of(listener.option("zone", "UTC"));
    }

    @Override
    public ProtocolHandler newHandler(ListenerContext listener) {
        ZoneId zone = listener.sharedState(ZoneId.class);
        return new ProtocolHandler() {
            @Override
            public void onOpen(Connection connection) {
                String now = RFC_1123_DATE_TIME.format(ZonedDateTime.now(zone));
                connection.writeAndFlush(ByteBufUtil.writeAscii(connection.alloc(), now + "\r\n"));
                connection.close(); // after the line is sent
            }

            @Override
            public void onRead(Connection connection, ByteBuf data) {
                data.release(); // the client has nothing to say in daytime
            }
        };
    }
}
