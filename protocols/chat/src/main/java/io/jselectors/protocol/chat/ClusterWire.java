package io.jselectors.protocol.chat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The messages instances exchange, as UTF-8 text: the origin's sequence number, a kind letter, the
 * origin instance, then the kind's fields, separated by LF. No field holds an LF: nicks and room
 * names are checked, and chat text has its control characters replaced ({@link ChatText#clean})
 * before it gets here.
 *
 * <p>The sequence number is given by the origin's cluster thread when it publishes ({@link
 * #sequenced}), 1, 2, 3... in publishing order, and a retried publish keeps its number: a receiver
 * that sees a number again ignores it (a publish that timed out may have reached the broker after
 * all), and a number skipped is a message it never got.
 *
 * <pre>
 * seq                                  before every message below
 * M origin room counted(0|1) line      a line for a room's members
 * P origin nick line                   a private line for one nick
 * J origin member nick room            a member's presence (new or changed)
 * Q origin member                      a member left
 * R origin (member TAB nick TAB room)* the origin's whole presence, every heartbeat
 * B origin                             the origin is shutting down
 * </pre>
 */
final class ClusterWire {

    /** A positive long has at most 19 digits; more is not a sequence number of ours. */
    private static final int MAX_SEQ_DIGITS = 19;

    /** A decoded message; {@code fields} follow the origin. */
    record Message(long seq, char kind, String origin, List<String> fields) {}

    /** Presence of one member in a roster message. */
    record Entry(String member, String nick, String room) {}

    private ClusterWire() {}

    /** {@code body} (one of the messages built below) with its sequence number in front. */
    static byte[] sequenced(long seq, byte[] body) {
        byte[] number = (Long.toString(seq) + '\n').getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[number.length + body.length];
        System.arraycopy(number, 0, out, 0, number.length);
        System.arraycopy(body, 0, out, number.length, body.length);
        return out;
    }

    static byte[] roomLine(String origin, String room, boolean counted, String line) {
        return join('M', origin, room, counted ? "1" : "0", line);
    }

    static byte[] privateLine(String origin, String nick, String line) {
        return join('P', origin, nick, line);
    }

    static byte[] present(String origin, String member, String nick, String room) {
        return join('J', origin, member, nick, room);
    }

    static byte[] absent(String origin, String member) {
        return join('Q', origin, member);
    }

    static byte[] bye(String origin) {
        return join('B', origin);
    }

    static byte[] roster(String origin, Collection<Entry> members) {
        StringBuilder out = new StringBuilder().append('R').append('\n').append(origin);
        for (Entry e : members) {
            out.append('\n').append(e.member()).append('\t').append(e.nick()).append('\t').append(e.room());
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Roster fields back to entries; malformed ones are skipped. */
    static List<Entry> entries(List<String> fields) {
        List<Entry> out = new ArrayList<>(fields.size());
        for (String field : fields) {
            String[] parts = field.split("\t", -1);
            if (parts.length == 3) {
                out.add(new Entry(parts[0], parts[1], parts[2]));
            }
        }
        return out;
    }

    /**
     * Decodes one message, or returns null if it is not one of ours (wrong kind or too few fields):
     * a foreign publisher on the subject must not break the chat.
     */
    static Message decode(byte[] bytes) {
        String whole = new String(bytes, StandardCharsets.UTF_8);
        int end = whole.indexOf('\n');
        long seq = end > 0 && end <= MAX_SEQ_DIGITS ? parseSeq(whole, end) : -1;
        if (seq < 0) {
            return null;
        }
        String text = whole.substring(end + 1);
        if (text.length() < 2 || text.charAt(1) != '\n') {
            return null;
        }
        char kind = text.charAt(0);
        int want = switch (kind) {
            case 'M' -> 4;
            case 'P' -> 3;
            case 'J' -> 4;
            case 'Q' -> 2;
            case 'B' -> 1;
            case 'R' -> -1;
            default -> 0;
        };
        if (want == 0) {
            return null;
        }
        // The last field of M and P is free text: split no further than the field count.
        String[] parts = want > 0 ? text.substring(2).split("\n", want) : text.substring(2).split("\n", -1);
        if (want > 0 && parts.length != want) {
            return null;
        }
        return new Message(seq, kind, parts[0], List.of(parts).subList(1, parts.length));
    }

    /** The decimal number in {@code text[0, end)}, or -1 if it is not one. */
    private static long parseSeq(String text, int end) {
        long value = 0;
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value < 0 ? -1 : value;
    }

    private static byte[] join(char kind, String... fields) {
        StringBuilder out = new StringBuilder().append(kind);
        for (String field : fields) {
            out.append('\n').append(field);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
