package io.jselectors.protocol.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The instances' message format: every kind round-trips; anything else is refused, not half-read. */
class ClusterWireTest {

    /** Decodes {@code body} as sequence number 1 would carry it. */
    private static ClusterWire.Message decode(byte[] body) {
        return ClusterWire.decode(ClusterWire.sequenced(1, body));
    }

    @Test
    void everyKindRoundTrips() {
        ClusterWire.Message m = ClusterWire.decode(ClusterWire.sequenced(42, ClusterWire.roomLine("abc123", "dev", true, "[dev] ann: a\ttab and : colons")));
        assertThat(m).isEqualTo(new ClusterWire.Message(42, 'M', "abc123", List.of("dev", "1", "[dev] ann: a\ttab and : colons")));
        assertThat(decode(ClusterWire.privateLine("x", "bob", "[pm] ann: hi")).fields()).containsExactly("bob", "[pm] ann: hi");
        assertThat(decode(ClusterWire.present("x", "7", "ann", "dev")).fields()).containsExactly("7", "ann", "dev");
        assertThat(decode(ClusterWire.absent("x", "7")).fields()).containsExactly("7");
        assertThat(decode(ClusterWire.bye("x"))).isEqualTo(new ClusterWire.Message(1, 'B', "x", List.of()));
        assertThat(ClusterWire.decode(ClusterWire.sequenced(Long.MAX_VALUE, ClusterWire.bye("x"))).seq()).isEqualTo(Long.MAX_VALUE);
        List<ClusterWire.Entry> entries = List.of(new ClusterWire.Entry("1", "ann", "lobby"), new ClusterWire.Entry("2", "bob", "dev"));
        ClusterWire.Message roster = decode(ClusterWire.roster("x", entries));
        assertThat(roster.kind()).isEqualTo('R');
        assertThat(ClusterWire.entries(roster.fields())).containsExactlyElementsOf(entries);
        assertThat(ClusterWire.entries(decode(ClusterWire.roster("x", List.of())).fields())).isEmpty();
    }

    @Test
    void foreignShortOrUnnumberedMessagesAreIgnored() {
        for (String text : List.of("", "M", "hello world", "1\nZ\nx\ny", "1\nM\nx\ndev\n1", "1\nJ\nx\n7\nann", "1\nQ\nx",
                "B\nx", "\nB\nx", "-1\nB\nx", "1a\nB\nx", "99999999999999999999\nB\nx", "1\n")) {
            assertThat(ClusterWire.decode(text.getBytes(StandardCharsets.UTF_8))).as(text).isNull();
        }
    }
}
