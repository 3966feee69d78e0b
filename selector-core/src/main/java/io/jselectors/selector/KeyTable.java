package io.jselectors.selector;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * fd to key table. Dense fds (the usual case: the kernel hands out the lowest free number) live in
 * an array indexed by fd, so the per-event lookup neither hashes nor boxes; fds at or above {@link
 * #DENSE_LIMIT} go to a map, so one huge fd number cannot make the array huge.
 */
final class KeyTable {

    /**
     * Fds below this are stored in the array: 1 Mi entries (4 to 8 MiB of references at most),
     * above the usual RLIMIT_NOFILE hard limits of 2^20.
     */
    static final int DENSE_LIMIT = 1 << 20;

    private SelectorKey[] dense = new SelectorKey[64];
    private Map<Integer, SelectorKey> sparse;
    private int size;
    private int maxFd = -1;
    /** Bumped on every structural change, so iterators can fail fast. */
    int modCount;

    SelectorKey get(int fd) {
        if (fd < dense.length) {
            return fd >= 0 ? dense[fd] : null;
        }
        return fd < DENSE_LIMIT || sparse == null ? null : sparse.get(fd);
    }

    void put(int fd, SelectorKey key) {
        SelectorKey old;
        if (fd < DENSE_LIMIT) {
            if (fd >= dense.length) {
                dense = Arrays.copyOf(dense, Math.min(DENSE_LIMIT, Math.max(fd + 1, dense.length * 2)));
            }
            old = dense[fd];
            dense[fd] = key;
        } else {
            if (sparse == null) {
                sparse = new HashMap<>();
            }
            old = sparse.put(fd, key);
        }
        if (old == null) {
            size++;
            modCount++;
            if (fd > maxFd) {
                maxFd = fd;
            }
        }
    }

    SelectorKey remove(int fd) {
        SelectorKey old;
        if (fd < 0) {
            return null;
        } else if (fd < dense.length) {
            old = dense[fd];
            dense[fd] = null;
        } else if (fd >= DENSE_LIMIT && sparse != null) {
            old = sparse.remove(fd);
        } else {
            return null;
        }
        if (old != null) {
            size--;
            modCount++;
            if (fd == maxFd) {
                maxFd = findMaxFd(fd - 1);
            }
        }
        return old;
    }

    private int findMaxFd(int from) {
        if (sparse != null && !sparse.isEmpty()) {
            int max = -1;
            for (int fd : sparse.keySet()) {
                max = Math.max(max, fd);
            }
            return max;
        }
        for (int fd = Math.min(from, dense.length - 1); fd >= 0; fd--) {
            if (dense[fd] != null) {
                return fd;
            }
        }
        return -1;
    }

    int size() {
        return size;
    }

    int maxFd() {
        return maxFd;
    }

    void clear() {
        Arrays.fill(dense, null);
        sparse = null;
        size = 0;
        maxFd = -1;
        modCount++;
    }

    /** The fd whose key holds exactly this object ({@code ==}), or -1. */
    int fdOfIdentical(Object fileobj) {
        for (int fd = nextFd(-1); fd >= 0; fd = nextFd(fd)) {
            if (get(fd).fileobj() == fileobj) {
                return fd;
            }
        }
        return -1;
    }

    /** The smallest registered fd greater than {@code fd}, or -1: iteration in ascending order. */
    int nextFd(int fd) {
        int limit = (int) Math.min(dense.length, (long) maxFd + 1); // maxFd may be Integer.MAX_VALUE
        for (int i = fd + 1; i < limit; i++) {
            if (dense[i] != null) {
                return i;
            }
        }
        if (sparse != null && maxFd >= DENSE_LIMIT) {
            int best = -1;
            for (int candidate : sparse.keySet()) {
                if (candidate > fd && (best < 0 || candidate < best)) {
                    best = candidate;
                }
            }
            return best;
        }
        return -1;
    }
}
