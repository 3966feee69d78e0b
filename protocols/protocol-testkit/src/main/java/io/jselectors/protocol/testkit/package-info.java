/**
 * Tests for protocol plugins without sockets: a {@link io.jselectors.protocol.testkit.ProtocolTester}
 * runs a {@link io.jselectors.protocol.Protocol} on a deterministic {@link
 * io.jselectors.protocol.testkit.TestLoop}, and each {@link io.jselectors.protocol.testkit.TestConnection}
 * lets the test play the peer: send bytes, read what came back, stop reading, half-close, reset.
 *
 * {@snippet :
 * class DaytimeProtocolTest {
 *     @Test
 *     void greetsThenCloses() {
 *         try (ProtocolTester tester = ProtocolTester.of(new DaytimeProtocol())) {
 *             TestConnection connection = tester.connect();
 *             assertThat(connection.takeOutputString()).endsWith("\r\n");
 *             assertThat(connection.isOpen()).isFalse();
 *         }
 *     }
 *
 *     @Test
 *     void stopsReadingWhenThePeerDoesNotRead() {
 *         try (ProtocolTester tester = ProtocolTester.builder(new EchoProtocol()).option("some-option", "1").build()) {
 *             TestConnection connection = tester.connect().socketCapacity(0); // a peer that never reads
 *             for (int i = 0; i < 10; i++) {
 *                 connection.receive(new byte[16 * 1024]);
 *             }
 *             assertThat(connection.isReadingPaused()).isTrue();
 *             assertThat(connection.pendingWriteBytes()).isLessThanOrEqualTo(TestConnection.HIGH_WATER_MARK + 16 * 1024);
 *         }
 *     }
 * }
 * }
 *
 * <p>Buffers are checked, not trusted: Netty's leak detector runs at PARANOID level and the tester
 * counts every buffer allocated on the test's thread until its last release, so closing the tester
 * fails the test if a handler forgot one, without waiting for the garbage collector.
 */
package io.jselectors.protocol.testkit;
