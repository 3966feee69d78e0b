package io.jselectors.server;

import java.util.function.Consumer;

/**
 * A doubly-linked list threaded through two fields of its elements, so holding an element costs
 * those two references and no entry object: a worker's connections (an idle connection's heap is
 * what issue #17 counts, and a hash set's entry was one more object per connection). A subclass
 * says where the fields are. Add and remove are O(1); iteration is in the order of adding.
 *
 * <p>{@link #forEach} may be used while the action removes elements, the current one or any
 * other (closing one connection may close others): a removed element keeps its {@code next}, so
 * the walk continues from it past whatever was removed since. Elements added meanwhile may or may
 * not be visited. Every element is added at most once in its life (re-adding a removed one could
 * send a walk standing on it back to the end of the list). Not thread-safe: the loop's thread only.
 *
 * @param <T> the element type, which holds the links
 */
abstract class IntrusiveList<T> {

    private T head;
    private T tail;
    private int size;

    /** The element before {@code e}, {@code null} for the head or an element not in the list. */
    protected abstract T prev(T e);

    /** The element after {@code e} (for a removed element: the one after it when it was removed). */
    protected abstract T next(T e);

    protected abstract void setPrev(T e, T prev);

    protected abstract void setNext(T e, T next);

    /**
     * Appends {@code e}, which must never have been in this list.
     *
     * @throws IllegalStateException if {@code e} is in the list now
     */
    final void add(T e) {
        if (contains(e)) {
            throw new IllegalStateException("already in the list: " + e);
        }
        setNext(e, null);
        setPrev(e, tail);
        if (tail == null) {
            head = e;
        } else {
            setNext(tail, e);
        }
        tail = e;
        size++;
    }

    /**
     * Unlinks {@code e}, leaving its {@code next} as it was so a walk standing on it goes on.
     *
     * @return whether it was in the list
     */
    final boolean remove(T e) {
        if (!contains(e)) {
            return false;
        }
        T p = prev(e);
        T n = next(e);
        if (p == null) {
            head = n;
        } else {
            setNext(p, n);
        }
        if (n == null) {
            tail = p;
        } else {
            setPrev(n, p);
        }
        setPrev(e, null); // marks it out of the list (with head != e)
        size--;
        return true;
    }

    /** Whether {@code e} is in the list now. */
    final boolean contains(T e) {
        return prev(e) != null || head == e;
    }

    final int size() {
        return size;
    }

    final boolean isEmpty() {
        return size == 0;
    }

    /**
     * Calls {@code action} for each element, in order, including those in the list when the walk
     * started that are still in it when it reaches them; see the class comment for removal.
     */
    final void forEach(Consumer<? super T> action) {
        T e = head;
        while (e != null) {
            action.accept(e);
            e = next(e);
            // A removed element's next was its successor when it left; skip those that left since.
            while (e != null && !contains(e)) {
                e = next(e);
            }
        }
    }
}
