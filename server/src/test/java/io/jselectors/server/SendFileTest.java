package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Libc;
import io.jselectors.posix.Native;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sendfile(2) binding itself: bytes of a file range reach a socket, and the offset moves. */
class SendFileTest {

    @TempDir
    Path dir;

    @Test
    void sendsARangeOfAFileToASocketAndAdvancesTheOffset() throws Exception {
        assumeTrue(SendFile.AVAILABLE, "sendfile(2) is bound on Linux only; this OS reads files through buffers");
        byte[] content = new byte[5000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) i;
        }
        Path path = Files.write(dir.resolve("f"), content);
        int file = SendFile.open(path);
        int[] pair = Libc.socketPair();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.newCallState(arena);
            MemorySegment offset = arena.allocate(ValueLayout.JAVA_LONG);
            offset.set(ValueLayout.JAVA_LONG, 0, 100);
            long n = SendFile.sendfile(state, pair[0], file, offset, 1000);
            assertThat(n).isEqualTo(1000);
            assertThat(offset.get(ValueLayout.JAVA_LONG, 0)).isEqualTo(1100);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            for (byte[] chunk; got.size() < 1000 && (chunk = Libc.read(pair[1], 1000)) != null; ) {
                got.writeBytes(chunk);
            }
            assertThat(got.toByteArray()).isEqualTo(Arrays.copyOfRange(content, 100, 1100));
            offset.set(ValueLayout.JAVA_LONG, 0, content.length);
            assertThat(SendFile.sendfile(state, pair[0], file, offset, 10)).as("at the end of the file").isZero();
        } finally {
            Libc.close(file);
            Libc.close(pair[0]);
            Libc.close(pair[1]);
        }
    }

    @Test
    void openingAMissingFileNamesItAndTheErrno() {
        assertThatThrownBy(() -> SendFile.open(dir.resolve("missing")))
                .isInstanceOf(ErrnoException.class)
                .hasMessageContaining("missing").hasMessageContaining("ENOENT");
    }
}
