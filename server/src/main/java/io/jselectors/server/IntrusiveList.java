package io.jselectors.server;

import java.util.function.Consumer;

/**
 * A doubly-linked list threaded through two fields of its elements, so holding an element costs
 * those two references and no entry object: a worker's connections (an idle connection's heap is
 * what issue #17 counts, and a hash set's entry was one more object per connection). A subclass
 * says where the fields are. Add and remove are O(1); iteration is in the order of adding.
 *
 * <p>{@link #forEach} may be used while the action removes elements, the current one or any
 * other (closing one connection may close others): the list keeps the element the walk visits
 * next and moves it on when that one is removed. Elements added meanwhile may or may not be
 * visited. A removed element keeps no link, so a closed connection something still refers to does
 * not keep the ones after it reachable. One walk at a time. Not thread-safe: the loop's thread only.
 *
 * @param <T> the element type, which holds the links
 */
abstract class IntrusiveList<T> {

    private T head;
    private T tail;
    private int size;
    /** The element the running walk visits next ({@code null}: none, or the end). */
    private T cursor;
    private boolean walking;

    /** The element before {@code e}, {@code null} for the head or an element not in the list. */
    protected abstract T prev(T e);

    /** The element after {@code e}, {@code null} for the tail or an element not in the list. */
    protected abstract T next(T e);

    protected abstract void setPrev(T e, T prev);

    protected abstract void setNext(T e, T next);

    /**
     * Appends {@code e}.
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
     * Unlinks {@code e}; if a walk was to visit it next, the walk visits its successor instead.
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
        if (e == cursor) {
            cursor = n;
        }
        setPrev(e, null); // with head != e: out of the list
        setNext(e, null);
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
     * Calls {@code action} for each element, in order: every element in the list when the walk
     * started that is still in it when the walk gets there, once. The action may remove any
     * element; see the class comment.
     *
     * @throws IllegalStateException if called from inside a walk's action
     */
    final void forEach(Consumer<? super T> action) {
        if (walking) {
            throw new IllegalStateException("a walk of this list is under way");
        }
        walking = true;
        try {
            for (T e = head; e != null; e = cursor) {
                cursor = next(e);
                action.accept(e);
            }
        } finally {
            walking = false;
            cursor = null;
        }
    }
}
