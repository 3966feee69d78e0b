package io.jselectors.protocol.http;

import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** Shared bits of the HTTP tests. */
final class HttpTesting {

    private HttpTesting() {}

    /** Everything the connection sent so far, one char per byte. */
    static String output(TestConnection connection) {
        return new String(connection.takeOutput(), StandardCharsets.ISO_8859_1);
    }

    /** A UTC clock reading {@code wallMillis}, which the test moves. */
    static Clock wallClock(AtomicLong wallMillis) {
        return new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(wallMillis.get());
            }
        };
    }

    static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Adds {@code POST /echo}: answers with the request body, and the method and target in fields. */
    static void addEchoRoute(ProtocolTester tester) {
        tester.context().sharedState(HttpListenerState.class).routes().add("/echo", request -> HttpResponse.of(200,
                        "application/octet-stream", ByteBufUtil.getBytes(request.body()))
                .header("X-Method", request.method())
                .header("X-Target", request.target()), "POST", "PUT");
    }

    static double counter(ProtocolTester tester, String name, String... tags) {
        var meter = tester.meterRegistry().find(name).tags(tags).meter();
        if (meter instanceof io.micrometer.core.instrument.FunctionCounter f) {
            return f.count(); // a LoopCounter
        }
        return meter instanceof io.micrometer.core.instrument.Counter c ? c.count() : 0;
    }
}
