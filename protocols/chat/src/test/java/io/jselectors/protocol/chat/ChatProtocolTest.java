package io.jselectors.protocol.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.Protocol;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** How the server finds and names the chat. */
class ChatProtocolTest {

    @Test
    void serviceLoaderFindsChatOnPort7001() {
        assertThat(ServiceLoader.load(Protocol.class).stream().map(ServiceLoader.Provider::get))
                .filteredOn(protocol -> protocol.name().equals("chat"))
                .singleElement()
                .satisfies(chat -> {
                    assertThat(chat).isInstanceOf(ChatProtocol.class);
                    assertThat(chat.defaultPort()).isEqualTo(7001);
                    assertThat(chat.description()).isNotBlank();
                });
    }
}
