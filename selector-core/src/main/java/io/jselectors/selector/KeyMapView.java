package io.jselectors.selector;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Collections;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The read-only live view {@link Selector#getMap()} returns, Python's {@code _SelectorMapping}:
 * keys are fds, lookups also take file objects, mutation is refused, and registering or
 * unregistering while iterating fails fast with {@link ConcurrentModificationException}, from
 * {@code next()} and from {@code hasNext()} alike (also once the iterator has reached the end).
 */
final class KeyMapView extends AbstractMap<Object, SelectorKey> {

    private final AbstractSelector selector;
    private final Set<Entry<Object, SelectorKey>> entries = Collections.unmodifiableSet(new Entries());

    KeyMapView(AbstractSelector selector) {
        this.selector = selector;
    }

    @Override
    public int size() {
        return selector.table().size();
    }

    /**
     * Resolves {@code fileobj} like the selector does. An object with no usable fd that is not
     * registered throws {@link IllegalArgumentException}, as Python's mapping raises ValueError.
     */
    @Override
    public SelectorKey get(Object fileobj) {
        return selector.table().get(selector.lookupFd(fileobj));
    }

    @Override
    public boolean containsKey(Object fileobj) {
        return get(fileobj) != null;
    }

    @Override
    public Set<Entry<Object, SelectorKey>> entrySet() {
        return entries;
    }

    @Override
    public Set<Object> keySet() {
        return Collections.unmodifiableSet(super.keySet());
    }

    @Override
    public Collection<SelectorKey> values() {
        return Collections.unmodifiableCollection(super.values());
    }

    // Every mutator refuses unconditionally, as Python's mapping has no __delitem__/__setitem__,
    // even when the call would change nothing.

    @Override
    public SelectorKey put(Object key, SelectorKey value) {
        throw readOnly();
    }

    @Override
    public SelectorKey remove(Object key) {
        throw readOnly();
    }

    @Override
    public void putAll(java.util.Map<?, ? extends SelectorKey> m) {
        throw readOnly();
    }

    @Override
    public void clear() {
        throw readOnly();
    }

    private static UnsupportedOperationException readOnly() {
        return new UnsupportedOperationException("a selector's map is read-only: use register/unregister/modify");
    }

    private final class Entries extends AbstractSet<Entry<Object, SelectorKey>> {
        @Override
        public int size() {
            return selector.table().size();
        }

        @Override
        public Iterator<Entry<Object, SelectorKey>> iterator() {
            KeyTable table = selector.table();
            return new Iterator<>() {
                private final int expectedModCount = table.modCount;
                private int next = table.nextFd(-1);

                // Both methods check, hasNext too: like Python's dict iterator, one that has reached
                // the end must not report "no more" about a selector that changed under it.
                @Override
                public boolean hasNext() {
                    checkUnchanged();
                    return next >= 0;
                }

                @Override
                public Entry<Object, SelectorKey> next() {
                    checkUnchanged();
                    if (next < 0) {
                        throw new NoSuchElementException();
                    }
                    int fd = next;
                    next = table.nextFd(fd);
                    return new SimpleImmutableEntry<>(fd, table.get(fd));
                }

                private void checkUnchanged() {
                    if (table.modCount != expectedModCount) {
                        throw new ConcurrentModificationException("selector changed while iterating its map");
                    }
                }
            };
        }
    }
}
