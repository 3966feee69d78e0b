package io.jselectors.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** SelectorKey and Ready are values. */
class SelectorKeyTest {

    @Test
    void keysAreEqualByAllFourFields() {
        Object file = new Object();
        SelectorKey k = new SelectorKey(file, 3, Selector.EVENT_READ, "d");
        assertEquals(k, new SelectorKey(file, 3, Selector.EVENT_READ, "d"));
        assertEquals(k.hashCode(), new SelectorKey(file, 3, Selector.EVENT_READ, "d").hashCode());
        assertNotEquals(k, new SelectorKey(new Object(), 3, Selector.EVENT_READ, "d"));
        assertNotEquals(k, new SelectorKey(file, 4, Selector.EVENT_READ, "d"));
        assertNotEquals(k, new SelectorKey(file, 3, Selector.EVENT_WRITE, "d"));
        assertNotEquals(k, new SelectorKey(file, 3, Selector.EVENT_READ, "e"));
        assertEquals(new SelectorKey(file, 3, 1, null), new SelectorKey(file, 3, 1, null));
    }

    @Test
    void withEventsMakesANewKeyWithTheSameObjectAndFd() {
        Object file = new Object();
        SelectorKey k = new SelectorKey(file, 3, Selector.EVENT_READ, "d");
        SelectorKey w = k.withEvents(Selector.EVENT_WRITE, "e");
        assertEquals(new SelectorKey(file, 3, Selector.EVENT_WRITE, "e"), w);
        assertEquals(Selector.EVENT_READ, k.events());
    }

    @Test
    void wantsAndReadyAccessors() {
        SelectorKey both = new SelectorKey(1, 1, Selector.EVENT_READ | Selector.EVENT_WRITE, null);
        assertTrue(both.wantsRead());
        assertTrue(both.wantsWrite());
        SelectorKey read = new SelectorKey(1, 1, Selector.EVENT_READ, null);
        assertFalse(read.wantsWrite());
        Ready r = new Ready(both, Selector.EVENT_WRITE);
        assertFalse(r.readable());
        assertTrue(r.writable());
        assertEquals(new Ready(both, Selector.EVENT_WRITE), r);
    }
}
