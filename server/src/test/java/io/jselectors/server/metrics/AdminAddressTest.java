package io.jselectors.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** {@code --admin [admin[+tls]=][HOST:]PORT | off}. */
class AdminAddressTest {

    @Test
    void defaultsToLoopback9100() {
        assertThat(AdminAddress.parse(null)).contains(new InetSocketAddress("127.0.0.1", 9100));
        assertThat(AdminAddress.parse(" ")).contains(new InetSocketAddress("127.0.0.1", 9100));
    }

    @Test
    void portAloneIsOnLoopback() {
        assertThat(AdminAddress.parse("9200")).contains(new InetSocketAddress("127.0.0.1", 9200));
    }

    @Test
    void hostAndPort() {
        assertThat(AdminAddress.parse("0.0.0.0:9100")).contains(new InetSocketAddress("0.0.0.0", 9100));
        assertThat(AdminAddress.parse("[::1]:9101")).contains(new InetSocketAddress("::1", 9101));
    }

    @Test
    void offDisables() {
        assertThat(AdminAddress.parse("off")).isEmpty();
        assertThat(AdminAddress.parse("OFF")).isEmpty();
    }

    @Test
    void badValuesNameTheFlag() {
        for (String bad : new String[] {"abc", "1.2.3.4:x", "70000", "::1:9100", "[::1]9100", ":9100"}) {
            assertThatThrownBy(() -> AdminAddress.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--admin");
        }
    }

    @Test
    void theListenerFormChoosesTls() {
        assertThat(AdminAddress.parseListener("admin+tls=127.0.0.1:9443"))
                .contains(new AdminAddress.Listener(new InetSocketAddress("127.0.0.1", 9443), true));
        assertThat(AdminAddress.parseListener("admin+tls=9443").orElseThrow().protocol()).isEqualTo("admin+tls");
        assertThat(AdminAddress.parseListener("admin=[::1]:9100"))
                .contains(new AdminAddress.Listener(new InetSocketAddress("::1", 9100), false));
        assertThat(AdminAddress.parseListener("9100").orElseThrow().protocol()).isEqualTo("admin");
        assertThatThrownBy(() -> AdminAddress.parseListener("http+tls=9443")).hasMessageContaining("--admin wants [admin[+tls]=]");
    }
}
