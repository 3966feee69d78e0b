package io.jselectors.bench;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PayloadTest {

    /** Copies {@code len} stream bytes from {@code position} on, as a server would echo them. */
    private static MemorySegment echo(Arena arena, Payload payload, int seed, long position, int len) {
        MemorySegment sent = MemorySegment.ofAddress(payload.address(seed, position));
        // SAFETY: address() is valid for maxChunk() bytes while the arena is open; len <= maxChunk.
        MemorySegment view = sent.reinterpret(len);
        MemorySegment copy = arena.allocate(len);
        copy.copyFrom(view);
        return copy;
    }

    @Test
    void aPeriodHasNoRepeatedByte() {
        Set<Byte> seen = new HashSet<>();
        for (int i = 0; i < Payload.PERIOD; i++) {
            seen.add(Payload.byteAt(i));
        }
        assertThat(seen).hasSize(Payload.PERIOD);
    }

    @Test
    void echoedBytesMatchAtAnyPositionAndSeed() {
        try (Arena arena = Arena.ofConfined()) {
            Payload payload = new Payload(arena, 1000);
            for (int seed : new int[] {0, Payload.seedOf(1), Payload.seedOf(99)}) {
                for (long position : new long[] {0, 1, 240, 241, 1_000_003}) {
                    MemorySegment back = echo(arena, payload, seed, position, 1000);
                    assertThat(payload.matches(back, 0, 1000, seed, position)).isTrue();
                    assertThat(back.get(JAVA_BYTE, 0)).isEqualTo(Payload.byteAt(position + seed));
                }
            }
        }
    }

    @Test
    void oneWrongByteIsCaught() {
        try (Arena arena = Arena.ofConfined()) {
            Payload payload = new Payload(arena, 64);
            MemorySegment back = echo(arena, payload, 5, 100, 64);
            back.set(JAVA_BYTE, 63, (byte) (back.get(JAVA_BYTE, 63) ^ 1));
            assertThat(payload.matches(back, 0, 64, 5, 100)).isFalse();
        }
    }

    @Test
    void droppedOrMixedUpBytesAreCaught() {
        try (Arena arena = Arena.ofConfined()) {
            Payload payload = new Payload(arena, 64);
            // A byte dropped: the stream from position 101 arrives where 100 was expected.
            MemorySegment shifted = echo(arena, payload, 5, 101, 64);
            assertThat(payload.matches(shifted, 0, 64, 5, 100)).isFalse();
            // Another connection's bytes: same position, other seed.
            MemorySegment other = echo(arena, payload, Payload.seedOf(2), 100, 64);
            assertThat(payload.matches(other, 0, 64, Payload.seedOf(1), 100)).isFalse();
        }
    }

    @Test
    void connectionsStartAtDifferentPhases() {
        Set<Integer> seeds = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            seeds.add(Payload.seedOf(i));
        }
        assertThat(seeds).hasSize(100);
    }
}
