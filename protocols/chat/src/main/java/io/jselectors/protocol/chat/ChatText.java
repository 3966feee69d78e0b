package io.jselectors.protocol.chat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.regex.Pattern;

/**
 * The chat's wording and its rules for names, in one place so the tests and the help text agree
 * with the code. Lines sent to clients end in CRLF, which both {@code nc} and {@code telnet} show
 * correctly.
 */
final class ChatText {

    /** The longest nick: short enough to keep {@code [room] nick: text} readable. */
    static final int MAX_NICK = 20;

    /** The longest room name. */
    static final int MAX_ROOM = 30;

    /** Nicks: ASCII letters, digits, '_' and '-', starting with a letter (no spoofing with spaces or colons). */
    private static final Pattern NICK = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0," + (MAX_NICK - 1) + "}");

    /** Room names: the same characters; any may come first. */
    private static final Pattern ROOM = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_ROOM + "}");

    /** Nicks given to users who have not chosen one; reserved so they stay unique. */
    static final String GUEST_PREFIX = "guest-";

    static final String NICK_RULE = "1-" + MAX_NICK + " characters from A-Z a-z 0-9 _ -, starting with a letter";
    static final String ROOM_RULE = "1-" + MAX_ROOM + " characters from A-Z a-z 0-9 _ -";

    static final String COMMANDS = "/nick /join /leave /rooms /who /msg /me /help /quit";

    static final String HELP = String.join("\r\n",
            "* commands:",
            "*   /nick NAME       choose your nick (" + NICK_RULE + ")",
            "*   /join ROOM       move to ROOM, creating it if new (everyone starts in " + ChatState.LOBBY + ")",
            "*   /leave           go back to " + ChatState.LOBBY,
            "*   /rooms           list the rooms and how many are in each",
            "*   /who             list who is in your room",
            "*   /msg NICK TEXT   send TEXT to NICK only",
            "*   /me ACTION       tell your room what you are doing",
            "*   /help            this list",
            "*   /quit            leave the chat",
            "* any other line is said to your room; start it with // to say something that begins with /");

    static final String SHUTDOWN = "* server shutting down, bye";

    /** The one line a client refused at {@code --max-connections} gets. */
    static final String SERVER_FULL = "! server is full, try again later";

    /** The line an idle user gets before being disconnected. */
    static final String IDLE = "! disconnected: idle for too long";

    /** Told to a line user whose line did not arrive whole within the line timeout. */
    static final String LINE_TIMEOUT = "! disconnected: a line took too long to arrive";

    private ChatText() {}

    static boolean isValidNick(String nick) {
        return NICK.matcher(nick).matches();
    }

    static boolean isValidRoom(String room) {
        return ROOM.matcher(room).matches();
    }

    static String greeting(String nick) {
        return "* welcome to jselectors chat; you are " + nick + " in " + ChatState.LOBBY + "\r\n"
                + "* pick a nick with /nick NAME; commands: " + COMMANDS;
    }

    static String said(String room, String nick, String text) {
        return "[" + room + "] " + nick + ": " + text;
    }

    static String action(String room, String nick, String text) {
        return "[" + room + "] * " + nick + " " + text;
    }

    static String event(String room, String what) {
        return "[" + room + "] * " + what;
    }

    static String privateFrom(String nick, String text) {
        return "[pm] " + nick + ": " + text;
    }

    static String privateTo(String nick, String text) {
        return "[pm to " + nick + "] " + text;
    }

    static String error(String what) {
        return "! " + what;
    }

    static String info(String what) {
        return "* " + what;
    }

    /**
     * Replaces control characters (C0 except TAB, DEL, C1) with U+FFFD, so one user cannot send
     * terminal escape sequences or carriage returns that rewrite what others see.
     */
    static String clean(String text) {
        int i = 0;
        while (i < text.length() && !isControl(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length()).append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(isControl(c) ? '\uFFFD' : c);
        }
        return out.toString();
    }

    private static boolean isControl(char c) {
        return (c < 0x20 && c != '\t') || (c >= 0x7F && c <= 0x9F);
    }

    /** {@code line} plus CRLF as UTF-8, in a buffer of exactly that size from {@code alloc}. */
    static ByteBuf encode(ByteBufAllocator alloc, String line) {
        ByteBuf out = alloc.buffer(ByteBufUtil.utf8Bytes(line) + 2);
        ByteBufUtil.writeUtf8(out, line);
        return out.writeByte('\r').writeByte('\n');
    }
}
