package io.jselectors.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class LoopCounterTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void eachThreadCountsInItsOwnCellAndTheMeterAddsThemUp() throws InterruptedException {
        LoopCounter counter = LoopCounter.builder("test.bytes").baseUnit("bytes").tag("k", "v").register(registry);
        counter.cell().add(5);
        Thread other = new Thread(() -> {
            LoopCounter.Cell cell = counter.cell();
            for (int i = 0; i < 1000; i++) {
                cell.increment();
            }
        });
        other.start();
        other.join();
        counter.cell().add(2);

        FunctionCounter meter = registry.get("test.bytes").tag("k", "v").functionCounter();
        assertThat(meter.count()).isEqualTo(1007);
        assertThat(meter.getId().getBaseUnit()).isEqualTo("bytes");
    }

    @Test
    void theSameThreadGetsTheSameCell() {
        LoopCounter counter = LoopCounter.builder("test.cell").register(registry);
        assertThat(counter.cell()).isSameAs(counter.cell());
    }

    @Test
    void registeringTheSameNameAndTagsTwiceGivesTheSameCounter() {
        LoopCounter first = LoopCounter.builder("test.twice").tag("listener", "a").register(registry);
        LoopCounter second = LoopCounter.builder("test.twice").tag("listener", "a").register(registry);
        LoopCounter other = LoopCounter.builder("test.twice").tag("listener", "b").register(registry);
        first.cell().add(3);
        second.cell().add(4);
        other.cell().add(100);

        assertThat(second).isSameAs(first);
        assertThat(registry.get("test.twice").tag("listener", "a").functionCounter().count()).isEqualTo(7);
        assertThat(registry.get("test.twice").tag("listener", "b").functionCounter().count()).isEqualTo(100);
    }

    @Test
    void aCountSurvivesItsThread() throws InterruptedException {
        LoopCounter counter = LoopCounter.builder("test.survives").register(registry);
        Thread loop = new Thread(() -> counter.cell().add(42));
        loop.start();
        loop.join();
        assertThat(counter.count()).isEqualTo(42);
    }
}
