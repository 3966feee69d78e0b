package io.jselectors.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One value per name while a lease on it is open; closed with the last lease. */
class SharedServicesTest {

    private static final class Rooms implements AutoCloseable {
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    @Test
    void theFirstAcquireCreatesLaterOnesShareAndTheLastCloseCloses() throws Exception {
        SharedServices services = new SharedServices();
        AtomicInteger created = new AtomicInteger();
        SharedServices.Lease<Rooms> chat = services.acquire("chat", Rooms.class, () -> {
            created.incrementAndGet();
            return new Rooms();
        });
        SharedServices.Lease<Rooms> http = services.acquire("chat", Rooms.class, () -> {
            created.incrementAndGet();
            return new Rooms();
        });
        assertThat(created).hasValue(1);
        assertThat(http.value()).isSameAs(chat.value());

        chat.close();
        chat.close(); // a second close of one lease gives nothing up twice
        assertThat(http.value().closes).hasValue(0);
        http.close();
        assertThat(http.value().closes).hasValue(1);

        SharedServices.Lease<Rooms> again = services.acquire("chat", Rooms.class, Rooms::new);
        assertThat(again.value()).as("after the last lease closed, a new value").isNotSameAs(http.value());
        assertThat(created).hasValue(1);
    }

    @Test
    void twoRegistriesShareNothing() {
        Object a = new SharedServices().acquire("chat", Object.class, Object::new).value();
        Object b = new SharedServices().acquire("chat", Object.class, Object::new).value();
        assertThat(a).isNotSameAs(b);
    }

    @Test
    void aValueOfAnotherTypeIsAClearError() {
        SharedServices services = new SharedServices();
        services.acquire("chat", Rooms.class, Rooms::new);
        assertThatThrownBy(() -> services.acquire("chat", String.class, () -> "x")).isInstanceOf(ClassCastException.class);
        assertThatThrownBy(() -> services.acquire("empty", Object.class, () -> null))
                .isInstanceOf(NullPointerException.class).hasMessage("the factory of empty returned null");
    }
}
