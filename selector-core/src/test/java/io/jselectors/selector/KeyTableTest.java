package io.jselectors.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fd to key table: dense and sparse fds, size, maxFd tracking and ordered iteration. */
class KeyTableTest {

    private final KeyTable table = new KeyTable();

    private static SelectorKey key(int fd) {
        return new SelectorKey(fd, fd, Selector.EVENT_READ, null);
    }

    private List<Integer> fds() {
        List<Integer> fds = new ArrayList<>();
        for (int fd = table.nextFd(-1); fd >= 0; fd = table.nextFd(fd)) {
            fds.add(fd);
        }
        return fds;
    }

    @Test
    void emptyTable() {
        assertEquals(0, table.size());
        assertEquals(-1, table.maxFd());
        assertNull(table.get(0));
        assertNull(table.get(-1));
        assertNull(table.get(KeyTable.DENSE_LIMIT + 5));
        assertNull(table.remove(3));
        assertNull(table.remove(-3));
        assertEquals(List.of(), fds());
    }

    @Test
    void denseFdsGrowTheArray() {
        SelectorKey k = key(5000);
        table.put(5000, k);
        table.put(0, key(0));
        assertSame(k, table.get(5000));
        assertEquals(2, table.size());
        assertEquals(5000, table.maxFd());
        assertEquals(List.of(0, 5000), fds());
    }

    @Test
    void sparseFdsAtOrAboveTheDenseLimit() {
        int big = KeyTable.DENSE_LIMIT;
        int bigger = 1 << 30; // Integer.MAX_VALUE overflows maxFd + 1 in nextFd: see REQUESTS.md
        table.put(bigger, key(bigger));
        table.put(big, key(big));
        table.put(7, key(7));
        assertEquals(3, table.size());
        assertEquals(bigger, table.maxFd());
        assertEquals(List.of(7, big, bigger), fds());
        assertSame(table.get(big), table.remove(big));
        assertEquals(bigger, table.maxFd());
        table.remove(bigger);
        assertEquals(7, table.maxFd(), "falls back to the dense part once sparse is empty");
        assertEquals(List.of(7), fds());
    }

    @Test
    void maxFdFollowsRemovals() {
        for (int fd : new int[] {3, 10, 64, 65}) {
            table.put(fd, key(fd));
        }
        table.remove(65);
        assertEquals(64, table.maxFd());
        table.remove(10);
        assertEquals(64, table.maxFd(), "removing a lower fd keeps the max");
        table.remove(64);
        assertEquals(3, table.maxFd());
        table.remove(3);
        assertEquals(-1, table.maxFd());
        assertEquals(0, table.size());
    }

    @Test
    void replacingAKeyDoesNotChangeSizeOrModCount() {
        table.put(4, key(4));
        int mods = table.modCount;
        SelectorKey replacement = new SelectorKey(4, 4, Selector.EVENT_WRITE, "new");
        table.put(4, replacement);
        assertEquals(1, table.size());
        assertEquals(mods, table.modCount, "a modify is not a structural change");
        assertSame(replacement, table.get(4));
    }

    @Test
    void identityLookupFindsTheExactObject() {
        Object a = new Object();
        table.put(3, new SelectorKey(a, 3, Selector.EVENT_READ, null));
        table.put(KeyTable.DENSE_LIMIT + 1, new SelectorKey("sparse", KeyTable.DENSE_LIMIT + 1, 1, null));
        assertEquals(3, table.fdOfIdentical(a));
        assertEquals(-1, table.fdOfIdentical(new Object()));
        assertEquals(-1, table.fdOfIdentical(new String("sparse")), "identity, not equality");
    }

    @Test
    void clearEmptiesEverything() {
        table.put(1, key(1));
        table.put(KeyTable.DENSE_LIMIT + 2, key(KeyTable.DENSE_LIMIT + 2));
        table.clear();
        assertEquals(0, table.size());
        assertEquals(-1, table.maxFd());
        assertNull(table.get(1));
        assertNull(table.get(KeyTable.DENSE_LIMIT + 2));
        assertEquals(List.of(), fds());
    }
}
