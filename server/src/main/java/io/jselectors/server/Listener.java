package io.jselectors.server;

import io.jselectors.protocol.ListenerContext;
import io.jselectors.protocol.Protocol;
import io.jselectors.protocol.SharedServices;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.util.Map;

/** One bound listener: its protocol, socket, context and meters. */
final class Listener implements ListenerContext {

    private final Protocol protocol;
    private final Transport.ListenSocket socket;
    private final Map<String, String> options;
    private final MeterRegistry registry;
    private final ListenerMeters meters;
    private final SharedServices sharedServices;
    private final ClassLoader pluginClassLoader;
    private Object sharedState;
    /** Puts a layer (TLS) under each new connection's handler; {@code null} for plaintext. */
    private java.util.function.Consumer<SocketConnection> layers;
    /** Counts TLS clients refused by this plaintext listener; {@code null} on a TLS listener. */
    private io.micrometer.core.instrument.Counter tlsRefusals;

    Listener(Protocol protocol, Transport.ListenSocket socket, Map<String, String> options,
            MeterRegistry registry, ListenerMeters meters, SharedServices sharedServices, ClassLoader pluginClassLoader) {
        this.protocol = protocol;
        this.pluginClassLoader = pluginClassLoader;
        this.sharedServices = sharedServices;
        this.socket = socket;
        this.options = Map.copyOf(options);
        this.registry = registry;
        this.meters = meters;
    }

    /** Gives each connection accepted from now on a layer (TLS), before its handler opens. */
    void useLayers(java.util.function.Consumer<SocketConnection> installer) {
        layers = installer;
    }

    /** Makes this plaintext listener answer TLS clients with an alert ({@link TlsOnPlaintextPort}), counted in {@code refusals}. */
    void refuseTls(io.micrometer.core.instrument.Counter refusals) {
        tlsRefusals = refusals;
    }

    /** The refusal counter of a plaintext listener; {@code null} on a TLS listener. */
    io.micrometer.core.instrument.Counter tlsRefusals() {
        return tlsRefusals;
    }

    /** Installs this listener's layer, if it has one, on a connection not yet opened. */
    void installLayer(SocketConnection c) {
        if (layers != null) {
            layers.accept(c);
        }
    }

    void createSharedState() {
        sharedState = protocol.createSharedState(this);
    }

    Protocol plugin() {
        return protocol;
    }

    ListenerContext context() {
        return this;
    }

    Transport.ListenSocket socket() {
        return socket;
    }

    ListenerMeters meters() {
        return meters;
    }

    @Override
    public String protocol() {
        return protocol.name();
    }

    @Override
    public InetSocketAddress address() {
        return socket.localAddress();
    }

    @Override
    public Map<String, String> options() {
        return options;
    }

    @Override
    public MeterRegistry meterRegistry() {
        return registry;
    }

    @Override
    public SharedServices sharedServices() {
        return sharedServices;
    }

    @Override
    public ClassLoader pluginClassLoader() {
        return pluginClassLoader;
    }

    @Override
    public Object sharedState() {
        return sharedState;
    }

    @Override
    public String toString() {
        return protocol.name() + " on " + address();
    }
}
