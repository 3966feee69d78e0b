package io.jselectors.protocol.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The bound on deliveries from other instances waiting in loops: full means dropped and counted, never queued. */
class ReceiveBacklogTest {

    @Test
    void pastItsCapacityAPlaceIsRefusedAndCountedUntilOneIsFreed() {
        AtomicInteger drops = new AtomicInteger();
        ReceiveBacklog backlog = new ReceiveBacklog(3, drops::incrementAndGet);
        assertThat(backlog.enter()).isTrue();
        assertThat(backlog.enter()).isTrue();
        assertThat(backlog.enter()).isTrue();
        assertThat(backlog.enter()).isFalse();
        assertThat(backlog.enter()).isFalse();
        assertThat(drops).hasValue(2);
        assertThat(backlog.depth()).isEqualTo(3);
        backlog.exit();
        assertThat(backlog.enter()).isTrue();
        assertThat(backlog.depth()).isEqualTo(3);
        assertThat(drops).hasValue(2);
    }
}
