package io.jselectors.selector.contract;

import static io.jselectors.selector.Selector.EVENT_READ;
import static io.jselectors.selector.Selector.EVENT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jselectors.posix.Fd;
import io.jselectors.posix.Libc;
import io.jselectors.selector.AlreadyRegisteredException;
import io.jselectors.selector.NotRegisteredException;
import io.jselectors.selector.Ready;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorKey;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * register, unregister and modify: CPython's test_register, test_unregister*, test_modify and the
 * error contract of {@link Selector}'s Javadoc.
 */
public abstract class RegistrationContract extends SelectorContractBase {

    @Test
    void registerReturnsKeyWithObjectFdEventsAndData() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        SelectorKey key = s.register(p.a(), EVENT_READ, "data");
        assertSame(p.a(), key.fileobj());
        assertEquals(EVENT_READ, key.events());
        assertEquals("data", key.data());
        assertThat(key.fd()).isNotNegative();
        if (p.hasFds()) {
            assertEquals(p.fdA(), key.fd());
        }
    }

    @Test
    void registerWithoutDataHasNullData() throws Exception {
        Selector s = selector();
        SelectorKey key = s.register(pair().a(), EVENT_WRITE);
        assertNull(key.data());
        assertEquals(EVENT_WRITE, key.events());
    }

    @Test
    void registerRejectsInvalidMaskBeforeResolvingFd() throws Exception {
        Selector s = selector();
        // Neither 0 nor -10 nor a plain Object is a valid file object: the mask must be refused first.
        for (Object bad : new Object[] {0, -10, new Object()}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> s.register(bad, 999_999));
            assertThat(e.getMessage()).contains("Invalid events");
        }
    }

    @Test
    void registerRejectsEmptyAndUnknownEventBits() throws Exception {
        Selector s = selector();
        Object fileobj = pair().a();
        for (int events : new int[] {0, 4, EVENT_READ | 4, -1}) {
            assertThrows(IllegalArgumentException.class, () -> s.register(fileobj, events), "events " + events);
        }
        assertThat(s.getMap()).isEmpty();
    }

    @Test
    void registerRejectsNegativeFd() throws Exception {
        Selector s = selector();
        assertThrows(IllegalArgumentException.class, () -> s.register(-10, EVENT_READ));
        assertThat(s.getMap()).isEmpty();
    }

    @Test
    void registerRejectsObjectWithoutFd() throws Exception {
        Selector s = selector();
        assertThrows(IllegalArgumentException.class, () -> s.register(new Object(), EVENT_READ));
        assertThrows(IllegalArgumentException.class, () -> s.register("not a file", EVENT_READ));
        assertThat(s.getMap()).isEmpty();
    }

    @Test
    void registerTwiceThrowsAlreadyRegistered() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        SelectorKey key = s.register(p.a(), EVENT_READ, "first");
        assertThrows(AlreadyRegisteredException.class, () -> s.register(p.a(), EVENT_WRITE, "second"));
        assertEquals(key, s.getKey(p.a()));
    }

    @Test
    void registerSameFdViaAnotherObjectThrowsAlreadyRegistered() throws Exception {
        assumeIntFds("the same fd through another object needs an int fd");
        Selector s = selector();
        Endpoints.Pair p = pair();
        s.register(p.a(), EVENT_READ);
        AlreadyRegisteredException e =
                assertThrows(AlreadyRegisteredException.class, () -> s.register(p.fdA(), EVENT_READ));
        assertThat(e.getMessage()).contains("FD " + p.fdA());
    }

    @Test
    void intFdAndItsObjectFindTheSameKey() throws Exception {
        assumeIntFds("lookup by int fd");
        Selector s = selector();
        Endpoints.Pair p = pair();
        SelectorKey key = s.register(p.fdA(), EVENT_READ, "by int");
        assertEquals(Integer.valueOf(p.fdA()), key.fileobj());
        assertSame(key, s.getKey(p.fdA()));
        assertSame(key, s.getKey(p.a()));
        assertSame(key, s.getMap().get(p.a()));
    }

    @Test
    void registerAgainAfterUnregisterWorks() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        s.register(p.a(), EVENT_READ);
        s.unregister(p.a());
        SelectorKey again = s.register(p.a(), EVENT_WRITE, "again");
        assertEquals(List.of(new Ready(again, EVENT_WRITE)), s.select(READY_WAIT));
    }

    // ---------------------------------------------------------------- unregister

    @Test
    void unregisterReturnsKeyAndForgetsIt() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        SelectorKey key = s.register(p.a(), EVENT_WRITE, "data");
        assertSame(key, s.unregister(p.a()));
        assertThat(s.getMap()).isEmpty();
        assertThrows(NotRegisteredException.class, () -> s.getKey(p.a()));
        assertEquals(List.of(), s.select(Duration.ZERO), "an unregistered fd must not be reported");
    }

    @Test
    void unregisterUnknownThrowsNotRegistered() throws Exception {
        Selector s = selector();
        Object unknown = unregisteredFileobj();
        assertThrows(NotRegisteredException.class, () -> s.unregister(unknown));
    }

    @Test
    void unregisterTwiceThrowsNotRegistered() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        s.register(p.a(), EVENT_READ);
        s.unregister(p.a());
        assertThrows(NotRegisteredException.class, () -> s.unregister(p.a()));
    }

    @Test
    void unregisterAfterFdCloseSucceeds() throws Exception {
        assumeIntFds("registers the int fds, then closes them");
        Selector s = selector();
        Endpoints.Pair p = pair();
        int r = p.fdA();
        int w = p.fdB();
        s.register(r, EVENT_READ);
        s.register(w, EVENT_WRITE);
        p.close();
        assertEquals(r, s.unregister(r).fd());
        assertEquals(w, s.unregister(w).fd());
        assertThat(s.getMap()).isEmpty();
    }

    @Test
    void unregisterAfterSocketCloseSucceeds() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        SelectorKey ka = s.register(p.a(), EVENT_READ);
        SelectorKey kb = s.register(p.b(), EVENT_WRITE);
        p.close();
        // The objects cannot give their fd any more: found by identity.
        assertSame(ka, s.unregister(p.a()));
        assertSame(kb, s.unregister(p.b()));
        assertThat(s.getMap()).isEmpty();
    }

    @Test
    void unregisterOfClosedAndReusedFdSucceeds() throws Exception {
        assumeIntFds("dup2 onto a registered int fd");
        Selector s = selector();
        Endpoints.Pair first = pair();
        Endpoints.Pair second = pair();
        int r = first.fdA();
        int w = first.fdB();
        s.register(r, EVENT_READ);
        s.register(w, EVENT_WRITE);
        first.close();
        // The numbers now name other, open files that were never registered with the kernel.
        Libc.dup2(second.fdA(), r);
        afterTest(() -> Libc.close(r));
        Libc.dup2(second.fdB(), w);
        afterTest(() -> Libc.close(w));
        s.unregister(r);
        s.unregister(w);
        assertThat(s.getMap()).isEmpty();
        assertEquals(List.of(), s.select(Duration.ZERO));
    }

    @Test
    void staleKeyAfterCloseAndReuseBlocksNewObjectUntilUnregistered() throws Exception {
        assumeIntFds("dup2 onto a registered fd number");
        Selector s = selector();
        Endpoints.Pair first = pair();
        Endpoints.Pair second = pair();
        int number = first.fdA();
        SelectorKey stale = s.register(first.a(), EVENT_READ, "stale");
        first.closeA();
        Libc.dup2(second.fdA(), number);
        Fd reused = new Fd(number);
        afterTest(reused);
        // The map is keyed by fd: the new object resolves to the stale registration.
        assertSame(stale, s.getKey(reused));
        assertThrows(AlreadyRegisteredException.class, () -> s.register(reused, EVENT_READ));
        assertSame(stale, s.unregister(first.a()));
        SelectorKey fresh = s.register(reused, EVENT_WRITE, "fresh");
        assertSame(reused, fresh.fileobj());
        assertEquals(List.of(new Ready(fresh, EVENT_WRITE)), s.select(READY_WAIT));
    }

    // ---------------------------------------------------------------- modify

    @Test
    void modifyChangesEventsAndReturnsNewKey() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        SelectorKey key = s.register(p.a(), EVENT_READ, "d");
        SelectorKey key2 = s.modify(p.a(), EVENT_WRITE, "d");
        assertNotEquals(key.events(), key2.events());
        assertEquals(EVENT_READ, key.events(), "keys handed out are immutable");
        assertEquals(key2, s.getKey(p.a()));
        assertEquals(key.fd(), key2.fd());
    }

    @Test
    void modifiedEventsTakeEffectInSelect() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        s.register(p.a(), EVENT_READ);
        assertEquals(List.of(), s.select(Duration.ZERO));
        SelectorKey writable = s.modify(p.a(), EVENT_WRITE, null);
        assertEquals(List.of(new Ready(writable, EVENT_WRITE)), s.select(READY_WAIT));
        SelectorKey readable = s.modify(p.a(), EVENT_READ, null);
        assertEquals(List.of(), s.select(Duration.ZERO));
        p.writeB(new byte[] {1});
        assertEquals(List.of(new Ready(readable, EVENT_READ)), s.select(READY_WAIT));
    }

    @Test
    void modifyWithSameEventsAndNewDataReturnsNewKey() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        Object d1 = new Object();
        Object d2 = new Object();
        SelectorKey key = s.register(p.a(), EVENT_READ, d1);
        SelectorKey key2 = s.modify(p.a(), EVENT_READ, d2);
        assertEquals(key.events(), key2.events());
        assertNotEquals(key.data(), key2.data());
        assertSame(d2, key2.data());
        assertEquals(key2, s.getKey(p.a()));
        assertSame(d1, key.data(), "the old key is not changed");
    }

    @Test
    void modifyWithNothingChangedReturnsSameKey() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        SelectorKey key = s.register(p.a(), EVENT_READ, "same");
        assertSame(key, s.modify(p.a(), EVENT_READ, "same"));
    }

    @Test
    void modifyUnknownThrowsNotRegistered() throws Exception {
        Selector s = selector();
        Object unknown = unregisteredFileobj();
        assertThrows(NotRegisteredException.class, () -> s.modify(unknown, EVENT_READ, null));
    }

    @Test
    void modifyRejectsInvalidMaskAndKeepsRegistration() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        SelectorKey key = s.register(p.a(), EVENT_WRITE, "kept");
        for (int events : new int[] {0, 4, 999_999, -1}) {
            assertThrows(IllegalArgumentException.class, () -> s.modify(p.a(), events, "lost"), "events " + events);
        }
        assertSame(key, s.getKey(p.a()));
        assertEquals(List.of(new Ready(key, EVENT_WRITE)), s.select(READY_WAIT), "still registered in the kernel");
    }

    @Test
    void modifyKeepsTheObjectItWasRegisteredWith() throws Exception {
        assumeIntFds("modify through the int fd of a registered object");
        Selector s = selector();
        Endpoints.Pair p = pair();
        s.register(p.a(), EVENT_READ);
        SelectorKey key2 = s.modify(p.fdA(), EVENT_WRITE, null);
        assertSame(p.a(), key2.fileobj());
    }

    @Test
    void modifyAfterCloseOfObjectFindsItByIdentity() throws Exception {
        Selector s = selector();
        Endpoints.Pair p = pair();
        SelectorKey key = s.register(p.a(), EVENT_READ, "d1");
        p.closeA();
        // Same events, new data: no kernel call, so nothing can fail for the closed fd.
        SelectorKey key2 = s.modify(p.a(), EVENT_READ, "d2");
        assertEquals("d2", key2.data());
        assertEquals(key.fd(), key2.fd());
        s.unregister(p.a());
    }
}
