package io.jselectors.protocol.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The instances' message format: every kind round-trips; anything else is refused, not half-read. */
class ClusterWireTest {

    @Test
    void everyKindRoundTrips() {
        ClusterWire.Message m = ClusterWire.decode(ClusterWire.roomLine("abc123", "dev", true, "[dev] ann: a\ttab and : colons"));
        assertThat(m).isEqualTo(new ClusterWire.Message('M', "abc123", List.of("dev", "1", "[dev] ann: a\ttab and : colons")));
        assertThat(ClusterWire.decode(ClusterWire.privateLine("x", "bob", "[pm] ann: hi")).fields()).containsExactly("bob", "[pm] ann: hi");
        assertThat(ClusterWire.decode(ClusterWire.present("x", "7", "ann", "dev")).fields()).containsExactly("7", "ann", "dev");
        assertThat(ClusterWire.decode(ClusterWire.absent("x", "7")).fields()).containsExactly("7");
        assertThat(ClusterWire.decode(ClusterWire.bye("x"))).isEqualTo(new ClusterWire.Message('B', "x", List.of()));
        List<ClusterWire.Entry> entries = List.of(new ClusterWire.Entry("1", "ann", "lobby"), new ClusterWire.Entry("2", "bob", "dev"));
        ClusterWire.Message roster = ClusterWire.decode(ClusterWire.roster("x", entries));
        assertThat(roster.kind()).isEqualTo('R');
        assertThat(ClusterWire.entries(roster.fields())).containsExactlyElementsOf(entries);
        assertThat(ClusterWire.entries(ClusterWire.decode(ClusterWire.roster("x", List.of())).fields())).isEmpty();
    }

    @Test
    void foreignOrShortMessagesAreIgnored() {
        for (String text : List.of("", "M", "hello world", "Z\nx\ny", "M\nx\ndev\n1", "J\nx\n7\nann", "Q\nx")) {
            assertThat(ClusterWire.decode(text.getBytes(StandardCharsets.UTF_8))).as(text).isNull();
        }
    }
}
