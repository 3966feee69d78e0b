package io.jselectors.server.tls;

import io.jselectors.connection.tls.HandshakeFailure;
import io.jselectors.connection.tls.TlsObserver;
import io.jselectors.connection.tls.TlsSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * TLS meters, Prometheus-style:
 *
 * <ul>
 *   <li>{@code jselectors_tls_handshakes_total{outcome="ok",protocol="TLSv1.3"}} and {@code
 *       {outcome="failed",protocol="none"}}: handshakes by outcome and version;
 *   <li>{@code jselectors_tls_handshake_failures_total{reason=...}}: failures by {@link
 *       HandshakeFailure} (bad certificate, no shared cipher, timeout, plaintext, ...);
 *   <li>{@code jselectors_tls_handshake_duration_seconds}: a histogram of successful handshakes,
 *       from the first byte of the connection's TLS to its end (gate waiting and tasks included);
 *   <li>{@code jselectors_tls_certificate_not_after_seconds{certificate=SOURCE,index=N}}: the
 *       expiry (Unix seconds) of each served certificate, following reloads, for alerts before it.
 * </ul>
 *
 * <p><b>Cost.</b> One map lookup and a counter increment per handshake, plus a timer record; nothing
 * per byte.
 */
public final class TlsMeters implements TlsObserver {

    /** Highest handshake duration bucket: past the default timeout nothing succeeds anyway. */
    private static final Duration MAX_EXPECTED = TlsSettings.DEFAULT_HANDSHAKE_TIMEOUT;
    /** Certificates with a not-after gauge: more are served, but gauges beyond this are not kept. */
    static final int MAX_CERTIFICATE_GAUGES = 64;

    private final MeterRegistry registry;
    private final Timer duration;
    private final Map<String, Counter> ok = new ConcurrentHashMap<>();
    private final Counter failedTotal;
    private final Map<HandshakeFailure, Counter> failures = new EnumMap<>(HandshakeFailure.class);

    /** Registers the meters; the gauges read {@code keys} at each scrape. */
    public TlsMeters(MeterRegistry registry, SniKeyManager keys) {
        this.registry = registry;
        this.duration = Timer.builder("jselectors.tls.handshake.duration").description("Successful TLS handshake duration")
                .publishPercentileHistogram().maximumExpectedValue(MAX_EXPECTED).register(registry);
        this.failedTotal = Counter.builder("jselectors.tls.handshakes").tag("outcome", "failed").tag("protocol", "none")
                .description("TLS handshakes by outcome and protocol version").register(registry);
        for (HandshakeFailure f : HandshakeFailure.values()) {
            failures.put(f, failures(registry, f));
        }
        for (int i = 0; i < MAX_CERTIFICATE_GAUGES && i < keys.keys().size(); i++) {
            int index = i;
            Gauge.builder("jselectors.tls.certificate.not.after", keys, k -> notAfter(k, index))
                    .tag("certificate", keys.keys().get(i).source()).tag("index", Integer.toString(i))
                    .description("When the served certificate expires (Unix seconds)").baseUnit("seconds").register(registry);
        }
    }

    /**
     * The failure counter for {@code reason}: {@code jselectors_tls_handshake_failures_total{reason}}.
     * Plaintext listeners register the {@code tls_on_plaintext_port} one through here too, so it
     * exists (and is the same series) with or without TLS listeners.
     */
    public static Counter failures(MeterRegistry registry, HandshakeFailure reason) {
        return Counter.builder("jselectors.tls.handshake.failures").tag("reason", reason.tag())
                .description("Failed TLS handshakes by reason").register(registry);
    }

    private static double notAfter(SniKeyManager keys, int index) {
        var list = keys.keys();
        return index < list.size() ? list.get(index).notAfter().getEpochSecond() : Double.NaN;
    }

    @Override
    public void handshakeDone(String protocol, long nanos) {
        ok.computeIfAbsent(protocol, p -> Counter.builder("jselectors.tls.handshakes").tag("outcome", "ok").tag("protocol", p)
                .description("TLS handshakes by outcome and protocol version").register(registry)).increment();
        duration.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void handshakeFailed(HandshakeFailure reason) {
        failedTotal.increment();
        failures.get(reason).increment();
    }
}
