package io.jselectors.protocol.echo;

import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.Protocol;
import io.jselectors.protocol.ProtocolHandler;
import io.jselectors.protocol.LoopCounter;
import io.micrometer.core.instrument.binder.BaseUnits;

/**
 * RFC 862 echo over TCP: every byte received is sent back, in order, with no framing, until the
 * client closes. Listens on port {@value #DEFAULT_PORT} unless told otherwise (the RFC's port 7 is
 * privileged).
 *
 * <p>Meter: {@code jselectors.echo.bytes} (counter, bytes), what was handed back to connections;
 * Prometheus shows it as {@code jselectors_echo_bytes_total}.
 *
 * {@snippet :
 * try (ProtocolTester tester = ProtocolTester.of(new EchoProtocol())) {
 *     TestConnection connection = tester.connect();
 *     connection.receive("hello");
 *     assertThat(connection.takeOutputString()).isEqualTo("hello");
 * }
 * }
 */
public final class EchoProtocol implements Protocol {

    /** The port a listener uses when none is given. */
    public static final int DEFAULT_PORT = 7000;

    /** The name of the counter of echoed bytes. */
    public static final String BYTES_METER = "jselectors.echo.bytes";

    /** Creates the protocol; the server finds it with {@link java.util.ServiceLoader}. */
    public EchoProtocol() {}

    @Override
    public String name() {
        return "echo";
    }

    @Override
    public int defaultPort() {
        return DEFAULT_PORT;
    }

    @Override
    public String description() {
        return "RFC 862 echo: every byte sent back, in order";
    }

    /** The listener's byte counter, registered once; each loop counts its connections' bytes in a cell of its own. */
    @Override
    public Object createSharedState(ListenerContext listener) {
        return LoopCounter.builder(BYTES_METER)
                .baseUnit(BaseUnits.BYTES)
                .description("Bytes echoed back to clients")
                .register(listener.meterRegistry());
    }

    @Override
    public ProtocolHandler newHandler(ListenerContext listener) {
        return new EchoHandler(listener.sharedState(LoopCounter.class));
    }
}
