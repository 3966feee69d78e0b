package io.jselectors.posix.socket;

import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.jselectors.posix.Platform;
import io.jselectors.posix.PosixConstants;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * {@code struct sockaddr_in} and {@code struct sockaddr_in6}, and their conversion to and from
 * {@link InetSocketAddress}.
 *
 * <p>Both structs have the same size and field offsets on every system we support; what differs is
 * the first two bytes: Linux has a 16-bit {@code sa_family_t}, the BSDs and macOS an 8-bit length
 * ({@code sin_len}) followed by an 8-bit family. Port, address and flow info are in network byte
 * order; the IPv6 scope id is in host order.
 *
 * <p>Sources: glibc {@code netinet/in.h} and {@code bits/sockaddr.h}; xnu {@code netinet/in.h},
 * {@code netinet6/in6.h}; FreeBSD {@code sys/netinet/in.h}, {@code sys/netinet6/in6.h}.
 */
public final class SockAddr {

    private SockAddr() {}

    /** {@code sizeof(struct sockaddr_storage)} on Linux, macOS and FreeBSD: room for any address. */
    public static final int STORAGE_SIZE = 128;

    private static final ValueLayout.OfShort NET_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt NET_INT = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);

    /** Linux {@code struct sockaddr_in}: 16 bytes. */
    static final StructLayout LINUX_IN = structLayout(
            JAVA_SHORT.withName("sin_family"),
            NET_SHORT.withName("sin_port"),
            NET_INT.withName("sin_addr"),
            sequenceLayout(8, JAVA_BYTE).withName("sin_zero"));

    /** BSD and macOS {@code struct sockaddr_in}: 16 bytes, {@code sin_len} first. */
    static final StructLayout BSD_IN = structLayout(
            JAVA_BYTE.withName("sin_len"),
            JAVA_BYTE.withName("sin_family"),
            NET_SHORT.withName("sin_port"),
            NET_INT.withName("sin_addr"),
            sequenceLayout(8, JAVA_BYTE).withName("sin_zero"));

    /** Linux {@code struct sockaddr_in6}: 28 bytes. */
    static final StructLayout LINUX_IN6 = structLayout(
            JAVA_SHORT.withName("sin6_family"),
            NET_SHORT.withName("sin6_port"),
            NET_INT.withName("sin6_flowinfo"),
            sequenceLayout(16, JAVA_BYTE).withName("sin6_addr"),
            JAVA_INT.withName("sin6_scope_id"));

    /** BSD and macOS {@code struct sockaddr_in6}: 28 bytes, {@code sin6_len} first. */
    static final StructLayout BSD_IN6 = structLayout(
            JAVA_BYTE.withName("sin6_len"),
            JAVA_BYTE.withName("sin6_family"),
            NET_SHORT.withName("sin6_port"),
            NET_INT.withName("sin6_flowinfo"),
            sequenceLayout(16, JAVA_BYTE).withName("sin6_addr"),
            JAVA_INT.withName("sin6_scope_id"));

    // The offsets below are the same in the Linux and BSD layouts; the tests check it.
    private static final long PORT = offset(LINUX_IN, "sin_port");
    private static final long IN_ADDR = offset(LINUX_IN, "sin_addr");
    private static final long IN6_ADDR = offset(LINUX_IN6, "sin6_addr");
    private static final long IN6_SCOPE = offset(LINUX_IN6, "sin6_scope_id");

    static long offset(StructLayout layout, String field) {
        return layout.byteOffset(PathElement.groupElement(field));
    }

    /**
     * Writes {@code address} as a sockaddr of this OS into {@code dst} (at least {@link
     * #STORAGE_SIZE} or the struct's size) and returns its length, the {@code socklen_t} to pass.
     *
     * @throws IllegalArgumentException if the address is unresolved
     */
    public static int write(MemorySegment dst, InetSocketAddress address) {
        return write(dst, address, Platform.current());
    }

    static int write(MemorySegment dst, InetSocketAddress address, Platform platform) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("Unresolved address: " + address);
        }
        PosixConstants c = PosixConstants.of(platform);
        boolean v4 = ip instanceof Inet4Address;
        int size = (int) (v4 ? LINUX_IN : LINUX_IN6).byteSize();
        dst.asSlice(0, size).fill((byte) 0);
        writeFamily(dst, v4 ? c.afInet() : c.afInet6(), size, platform);
        dst.set(NET_SHORT, PORT, (short) address.getPort());
        if (v4) {
            MemorySegment.copy(ip.getAddress(), 0, dst, JAVA_BYTE, IN_ADDR, 4);
        } else {
            MemorySegment.copy(ip.getAddress(), 0, dst, JAVA_BYTE, IN6_ADDR, 16);
            dst.set(JAVA_INT, IN6_SCOPE, ((Inet6Address) ip).getScopeId());
        }
        return size;
    }

    private static void writeFamily(MemorySegment dst, int family, int size, Platform platform) {
        if (platform.isBsd()) {
            dst.set(JAVA_BYTE, 0, (byte) size);
            dst.set(JAVA_BYTE, 1, (byte) family);
        } else {
            dst.set(JAVA_SHORT, 0, (short) family);
        }
    }

    /** The {@code sa_family} of the sockaddr in {@code src}. */
    static int family(MemorySegment src, Platform platform) {
        return platform.isBsd() ? Byte.toUnsignedInt(src.get(JAVA_BYTE, 1)) : Short.toUnsignedInt(src.get(JAVA_SHORT, 0));
    }

    /**
     * Reads an AF_INET or AF_INET6 sockaddr of this OS.
     *
     * @throws IllegalArgumentException for any other family
     */
    public static InetSocketAddress read(MemorySegment src) {
        return read(src, Platform.current());
    }

    static InetSocketAddress read(MemorySegment src, Platform platform) {
        PosixConstants c = PosixConstants.of(platform);
        int family = family(src, platform);
        int port = Short.toUnsignedInt(src.get(NET_SHORT, PORT));
        try {
            if (family == c.afInet()) {
                byte[] ip = src.asSlice(IN_ADDR, 4).toArray(JAVA_BYTE);
                return new InetSocketAddress(InetAddress.getByAddress(ip), port);
            } else if (family == c.afInet6()) {
                byte[] ip = src.asSlice(IN6_ADDR, 16).toArray(JAVA_BYTE);
                int scope = src.get(JAVA_INT, IN6_SCOPE);
                InetAddress address = scope != 0 ? Inet6Address.getByAddress(null, ip, scope) : InetAddress.getByAddress(ip);
                return new InetSocketAddress(address, port);
            }
        } catch (UnknownHostException e) {
            throw new AssertionError("4 and 16 byte addresses are always valid", e);
        }
        throw new IllegalArgumentException("Not an AF_INET or AF_INET6 address: family " + family);
    }
}
