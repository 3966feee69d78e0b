package io.jselectors.protocol.http;

import static io.jselectors.protocol.http.HttpTesting.output;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static files through the server's TLS layer, pipelined behind and around a file: every response
 * whole and in order, close_notify after the last file. A regression guard for the layered file
 * path (it passed before that path was reworked too; the connection contract's file cases are the
 * ones that caught the ordering defect).
 */
class StaticFilesOverTlsTest {

    @TempDir
    Path root;

    @Test
    void pipelinedFilesAndRoutesArriveWholeAndInOrder() throws IOException {
        byte[] big = new byte[300_000]; // several 64 KiB chunks, many 16 KiB records
        new Random(8443).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Files.writeString(root.resolve("a.txt"), "0123456789");
        try (ProtocolTester tester = ProtocolTester.builder(new HttpProtocol()).option("root", root.toString())
                .tls("http/1.1").build()) {
            TestConnection connection = tester.connect();
            connection.receive("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < 100 && connection.isOpen(); i++) {
                all.append(output(connection)); // the peer reads as it goes; the files follow in chunks
                tester.runPending();
            }
            all.append(output(connection));
            List<ParsedResponse> responses = ParsedResponse.all(all.toString());
            assertThat(responses).hasSize(4);
            String bigText = new String(big, StandardCharsets.ISO_8859_1);
            assertThat(responses.get(0).body()).isEqualTo(bigText);
            assertThat(responses.get(1).body()).isEqualTo("Hello, World!");
            assertThat(responses.get(2).body()).isEqualTo("0123456789");
            assertThat(responses.get(3).body()).isEqualTo(bigText);
            assertThat(connection.isOpen()).isFalse();
            assertThat(connection.tls().closeNotifyReceived()).as("close_notify after the last file").isTrue();
        }
    }
}
