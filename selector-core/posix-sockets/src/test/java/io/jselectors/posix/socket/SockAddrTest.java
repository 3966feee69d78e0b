package io.jselectors.posix.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jselectors.posix.Platform;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** sockaddr_in / sockaddr_in6 sizes, offsets and byte images per OS family. */
class SockAddrTest {

    @Test
    void layoutsMatchHeaders() {
        // glibc netinet/in.h; xnu and FreeBSD netinet/in.h, netinet6/in6.h
        assertEquals(16, SockAddr.LINUX_IN.byteSize());
        assertEquals(16, SockAddr.BSD_IN.byteSize());
        assertEquals(28, SockAddr.LINUX_IN6.byteSize());
        assertEquals(28, SockAddr.BSD_IN6.byteSize());
        for (StructLayout in : new StructLayout[] {SockAddr.LINUX_IN, SockAddr.BSD_IN}) {
            assertEquals(2, SockAddr.offset(in, "sin_port"));
            assertEquals(4, SockAddr.offset(in, "sin_addr"));
            assertEquals(8, SockAddr.offset(in, "sin_zero"));
        }
        for (StructLayout in6 : new StructLayout[] {SockAddr.LINUX_IN6, SockAddr.BSD_IN6}) {
            assertEquals(2, SockAddr.offset(in6, "sin6_port"));
            assertEquals(4, SockAddr.offset(in6, "sin6_flowinfo"));
            assertEquals(8, SockAddr.offset(in6, "sin6_addr"));
            assertEquals(24, SockAddr.offset(in6, "sin6_scope_id"));
        }
        assertEquals(0, SockAddr.offset(SockAddr.BSD_IN, "sin_len"));
        assertEquals(1, SockAddr.offset(SockAddr.BSD_IN, "sin_family"));
    }

    @Test
    void linuxIpv4ByteImage() throws Exception {
        byte[] image = image(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0x1f90), Platform.LINUX, 16);
        // family 2 little-endian, port 8080 big-endian, 127.0.0.1, 8 zero bytes
        assertArrayEquals(new byte[] {2, 0, 0x1f, (byte) 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, image);
    }

    @Test
    void bsdIpv4ByteImageStartsWithLength() throws Exception {
        byte[] mac = image(new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 80), Platform.MACOS, 16);
        assertArrayEquals(new byte[] {16, 2, 0, 80, 10, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0}, mac);
        byte[] freebsd = image(new InetSocketAddress(InetAddress.getByName("::1"), 80), Platform.FREEBSD, 28);
        assertEquals(28, freebsd[0]);
        assertEquals(28, freebsd[1]); // AF_INET6 on FreeBSD
        assertEquals(1, freebsd[23]);
    }

    @ParameterizedTest
    @EnumSource(value = Platform.class, names = {"LINUX", "MACOS", "FREEBSD"})
    void roundTripsEveryFamilyOnEveryOs(Platform platform) throws Exception {
        InetSocketAddress[] addresses = {
            new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 65535),
            new InetSocketAddress(InetAddress.getByName("::1"), 1),
            new InetSocketAddress(InetAddress.getByName("2001:db8::7"), 443),
            new InetSocketAddress(Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 3), 9),
        };
        try (Arena arena = Arena.ofConfined()) {
            for (InetSocketAddress address : addresses) {
                MemorySegment seg = arena.allocate(SockAddr.STORAGE_SIZE);
                SockAddr.write(seg, address, platform);
                assertEquals(address, SockAddr.read(seg, platform), platform + " " + address);
            }
        }
    }

    @Test
    void refusesUnresolvedAndUnknownFamilies() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(SockAddr.STORAGE_SIZE);
            assertThrows(IllegalArgumentException.class,
                    () -> SockAddr.write(seg, InetSocketAddress.createUnresolved("example.invalid", 80)));
            seg.set(ValueLayout.JAVA_SHORT, 0, (short) 1); // AF_UNIX on Linux
            assertThrows(IllegalArgumentException.class, () -> SockAddr.read(seg, Platform.LINUX));
        }
    }

    private static byte[] image(InetSocketAddress address, Platform platform, int expectedLength) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(SockAddr.STORAGE_SIZE);
            assertEquals(expectedLength, SockAddr.write(seg, address, platform));
            return seg.asSlice(0, expectedLength).toArray(ValueLayout.JAVA_BYTE);
        }
    }
}
