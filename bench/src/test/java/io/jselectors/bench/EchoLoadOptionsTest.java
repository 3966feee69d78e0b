package io.jselectors.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class EchoLoadOptionsTest {

    @Test
    void defaultsAreTheSharedScenarioA() {
        EchoLoadOptions o = EchoLoadOptions.parse();
        assertThat(o.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(o.address().getPort()).isEqualTo(EchoLoadOptions.DEFAULT_PORT);
        assertThat(o.connections()).isEqualTo(100);
        assertThat(o.depth()).isEqualTo(1);
        assertThat(o.size()).isEqualTo(64);
        assertThat(o.seconds()).isEqualTo(10.0);
        assertThat(o.warmupSeconds()).isEqualTo(1.0);
        assertThat(o.selector()).isNull();
        assertThat(o.serverPid()).isZero();
    }

    @Test
    void everyFlagIsRead() {
        EchoLoadOptions o = EchoLoadOptions.parse(
                "-c", "10", "-d", "16", "-s", "16384", "-t", "2.5", "-w", "0", "--host", "::1", "-p", "7000",
                "--selector", "poll", "--server-pid", "4242");
        assertThat(o.connections()).isEqualTo(10);
        assertThat(o.depth()).isEqualTo(16);
        assertThat(o.size()).isEqualTo(16384);
        assertThat(o.seconds()).isEqualTo(2.5);
        assertThat(o.warmupSeconds()).isZero();
        assertThat(o.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(o.address().getAddress().getAddress()).hasSize(16);
        assertThat(o.address().getPort()).isEqualTo(7000);
        assertThat(o.selector()).isEqualTo("poll");
        assertThat(o.serverPid()).isEqualTo(4242);
    }

    @Test
    void localhostAndBracketedIpv6AreLoopback() {
        assertThat(EchoLoadOptions.loopback("localhost").isLoopbackAddress()).isTrue();
        assertThat(EchoLoadOptions.loopback("[::1]").isLoopbackAddress()).isTrue();
        assertThat(EchoLoadOptions.loopback("127.0.0.2").isLoopbackAddress()).isTrue();
    }

    @Test
    void refusesNonLoopbackAddresses() {
        assertThatThrownBy(() -> EchoLoadOptions.parse("--host", "10.0.0.1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-loopback");
        assertThatThrownBy(() -> EchoLoadOptions.parse("--host", "0.0.0.0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-loopback");
        assertThatThrownBy(() -> EchoLoadOptions.parse("--host", "2001:db8::1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-loopback");
    }

    @Test
    void refusesHostNamesWithoutLookingThemUp() {
        assertThatThrownBy(() -> EchoLoadOptions.parse("--host", "example.com"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IP address or localhost");
    }

    @Test
    void refusesANonLoopbackAddressPassedToTheConstructor() throws Exception {
        var remote = new java.net.InetSocketAddress(InetAddress.ofLiteral("192.0.2.1"), 9000);
        assertThatThrownBy(() -> new EchoLoadOptions(remote, 1, 1, 1, 1, 0, null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-loopback");
    }

    @Test
    void refusesValuesOutOfRange() {
        assertThatThrownBy(() -> EchoLoadOptions.parse("-c", "0")).hasMessageContaining("-c");
        assertThatThrownBy(() -> EchoLoadOptions.parse("-d", "1025")).hasMessageContaining("-d");
        assertThatThrownBy(() -> EchoLoadOptions.parse("-s", "0")).hasMessageContaining("-s");
        assertThatThrownBy(() -> EchoLoadOptions.parse("-t", "0")).hasMessageContaining("-t");
        assertThatThrownBy(() -> EchoLoadOptions.parse("-t", "NaN")).hasMessageContaining("-t");
        assertThatThrownBy(() -> EchoLoadOptions.parse("-t", "3601")).hasMessageContaining("-t");
        assertThatThrownBy(() -> EchoLoadOptions.parse("-w", "-1")).hasMessageContaining("-w");
        assertThatThrownBy(() -> EchoLoadOptions.parse("-p", "65536")).hasMessageContaining("-p");
        assertThatThrownBy(() -> EchoLoadOptions.parse("--server-pid", "-3")).hasMessageContaining("--server-pid");
    }

    @Test
    void refusesUnknownFlagsMissingAndMalformedValues() {
        assertThatThrownBy(() -> EchoLoadOptions.parse("-x", "1")).hasMessageContaining("unknown option -x");
        assertThatThrownBy(() -> EchoLoadOptions.parse("-c")).hasMessageContaining("missing value after -c");
        assertThatThrownBy(() -> EchoLoadOptions.parse("-c", "ten")).hasMessageContaining("integer");
        assertThatThrownBy(() -> EchoLoadOptions.parse("-t", "soon")).hasMessageContaining("number");
    }
}
