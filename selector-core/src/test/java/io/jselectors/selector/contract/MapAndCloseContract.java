package io.jselectors.selector.contract;

import static io.jselectors.selector.Selector.EVENT_READ;
import static io.jselectors.selector.Selector.EVENT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jselectors.selector.NotRegisteredException;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorKey;
import java.nio.channels.ClosedSelectorException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** getKey, getMap and close: CPython's test_get_key, test_get_map, test_close, test_context_manager. */
public abstract class MapAndCloseContract extends RegistrationContract {

    @Test
    void getKeyReturnsTheRegisteredKey() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        SelectorKey key = s.register(p.a(), EVENT_READ, "data");
        assertSame(key, s.getKey(p.a()));
        Object unknown = unregisteredFileobj();
        assertThrows(NotRegisteredException.class, () -> s.getKey(unknown));
    }

    @Test
    void getKeyOfObjectWithoutFdThrowsIllegalArgument() throws Exception {
        Selector s = selector();
        s.register(pair().a(), EVENT_READ);
        assertThrows(IllegalArgumentException.class, () -> s.getKey(new Object()));
    }

    @Test
    void getMapIsEmptyBeforeRegistering() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        Map<Object, SelectorKey> keys = s.getMap();
        assertTrue(keys.isEmpty());
        assertEquals(0, keys.size());
        assertEquals(List.of(), new ArrayList<>(keys.keySet()));
        assertNull(keys.get(p.a()));
        SelectorKey sentinel = new SelectorKey("sentinel", 0, EVENT_READ, null);
        assertSame(sentinel, keys.getOrDefault(p.a(), sentinel));
        assertFalse(keys.containsKey(p.a()));
    }

    @Test
    void getMapIsALiveView() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        Map<Object, SelectorKey> keys = s.getMap();
        SelectorKey key = s.register(p.a(), EVENT_READ, "data");
        assertTrue(keys.containsKey(p.a()));
        assertEquals(key, keys.get(p.a()));
        assertEquals(1, keys.size());
        assertEquals(List.of(key.fd()), new ArrayList<>(keys.keySet()), "iteration yields fds");
        assertEquals(List.of(key), new ArrayList<>(keys.values()));
        assertTrue(keys.containsKey(key.fd()), "lookup by the fd the map iterates");
        if (acceptsIntFds()) {
            assertNull(keys.get(999_999));
        }
        s.unregister(p.a());
        assertTrue(keys.isEmpty());
    }

    @Test
    void getMapIsReadOnly() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        SelectorKey key = s.register(p.a(), EVENT_READ);
        Map<Object, SelectorKey> keys = s.getMap();
        // Python's "del keys[rd]" raises: refused by object, by fd, and even when nothing would change.
        assertThrows(UnsupportedOperationException.class, () -> keys.remove(p.a()));
        assertThrows(UnsupportedOperationException.class, () -> keys.remove(key.fd()));
        assertThrows(UnsupportedOperationException.class, () -> keys.putAll(Map.of()));
        assertThrows(UnsupportedOperationException.class, () -> keys.values().removeIf(k -> true));
        assertThrows(UnsupportedOperationException.class, () -> keys.put(p.b(), key));
        assertThrows(UnsupportedOperationException.class, keys::clear);
        Iterator<Object> it = keys.keySet().iterator();
        it.next();
        assertThrows(UnsupportedOperationException.class, it::remove);
        assertSame(key, s.getKey(p.a()));
    }

    @Test
    void getMapIteratesFdsInAscendingOrder() throws Exception {
        Selector s = selector();
        List<Endpoints.Pair> pairs = List.of(pair(), pair(), pair());
        for (Endpoints.Pair p : pairs.reversed()) {
            s.register(p.b(), EVENT_READ);
            s.register(p.a(), EVENT_WRITE);
        }
        List<Object> fds = new ArrayList<>(s.getMap().keySet());
        assertThat(fds).hasSize(6).isSortedAccordingTo((x, y) -> Integer.compare((Integer) x, (Integer) y));
    }

    @Test
    void getMapLookupOfObjectWithoutFdThrowsIllegalArgument() throws Exception {
        Selector s = selector();
        Map<Object, SelectorKey> keys = s.getMap();
        assertThrows(IllegalArgumentException.class, () -> keys.get(new Object()));
    }

    @Test
    void getMapIteratorFailsFastWhenSelectorChanges() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        s.register(p.a(), EVENT_READ);
        s.register(p.b(), EVENT_READ);
        Iterator<SelectorKey> midway = s.getMap().values().iterator();
        midway.next();
        Iterator<SelectorKey> atEnd = s.getMap().values().iterator();
        atEnd.next();
        atEnd.next();
        s.unregister(p.b());
        assertThrows(ConcurrentModificationException.class, midway::next, "next after a change");
        assertThrows(ConcurrentModificationException.class, midway::hasNext, "hasNext after a change");
        // Python's dict iterator raises "changed size during iteration" instead of stopping: an
        // exhausted iterator must not answer "no more" about a selector that has changed.
        assertThrows(ConcurrentModificationException.class, atEnd::hasNext, "hasNext after the last entry");

        Iterator<Object> fds = s.getMap().keySet().iterator();
        fds.next();
        s.register(pair().a(), EVENT_READ);
        assertThrows(ConcurrentModificationException.class, fds::hasNext, "a registration after the last entry");
    }

    @Test
    void getMapIteratorThatSawNoChangeEndsNormally() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        s.register(p.a(), EVENT_READ);
        Iterator<SelectorKey> it = s.getMap().values().iterator();
        it.next();
        s.modify(p.a(), EVENT_READ, "new data only");
        assertFalse(it.hasNext(), "replacing a key's data is not a change of the map's size or keys");
    }

    // ---------------------------------------------------------------- close

    @Test
    void getMapTakenBeforeCloseReadsEmpty() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        Map<Object, SelectorKey> mapping = s.getMap();
        s.register(p.a(), EVENT_READ);
        s.register(p.b(), EVENT_WRITE);
        s.close();
        assertNull(mapping.get(p.a()));
        assertNull(mapping.get(p.b()));
        assertTrue(mapping.isEmpty());
        assertEquals(List.of(), new ArrayList<>(mapping.keySet()));
    }

    @Test
    void closeMakesEveryMethodThrowClosedSelectorException() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        s.register(p.a(), EVENT_READ);
        s.close();
        List<Executable> calls = List.of(
                () -> s.register(p.b(), EVENT_READ),
                () -> s.unregister(p.a()),
                () -> s.modify(p.a(), EVENT_WRITE, null),
                () -> s.getKey(p.a()),
                () -> s.getKey(p.b()),
                s::getMap,
                () -> s.select(Duration.ZERO),
                () -> s.select(null),
                () -> s.select(Duration.ZERO, (k, e) -> {}),
                () -> s.selectNanos(0, (k, e) -> {}),
                () -> s.selectNanos(Selector.INFINITE, (k, e) -> {}));
        for (Executable call : calls) {
            assertThrows(ClosedSelectorException.class, call);
        }
    }

    @Test
    void closeIsIdempotentAndWakeupAfterCloseIsHarmless() throws Exception {
        Selector s = selector();
        s.register(pair().a(), EVENT_READ);
        s.close();
        assertDoesNotThrow(s::close);
        assertDoesNotThrow(s::wakeup);
        assertDoesNotThrow(s::close);
    }

    @Test
    void tryWithResourcesClosesTheSelector() throws Exception {
        Endpoints.Pair p = pair();
        Selector outer;
        try (Selector sel = openSelector()) {
            outer = sel;
            sel.register(p.a(), EVENT_READ);
            sel.register(p.b(), EVENT_WRITE);
        }
        assertThrows(ClosedSelectorException.class, () -> outer.getKey(p.a()));
        assertThrows(ClosedSelectorException.class, () -> outer.getKey(p.b()));
    }

    @Test
    void closeLeavesRegisteredFileObjectsOpen() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        s.register(p.a(), EVENT_READ);
        s.register(p.b(), EVENT_WRITE);
        s.close();
        assertEquals(3, p.writeB(new byte[] {1, 2, 3}));
        byte[] got = null;
        for (int i = 0; i < 100 && got == null; i++) {
            got = p.readA(16);
            if (got == null) {
                Thread.sleep(10);
            }
        }
        assertThat(got).containsExactly(1, 2, 3);
    }

    @Test
    void filenoIsAnOpenFdOrMinusOne() throws Exception {
        Selector s = selector();
        int fd = s.fileno();
        assertThat(fd).isGreaterThanOrEqualTo(-1);
        assertEquals(fd, s.fileno(), "stable while open");
        assertThat(s.name()).isNotBlank();
    }
}
