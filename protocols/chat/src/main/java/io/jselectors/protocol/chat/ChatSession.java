package io.jselectors.protocol.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * The chat core of one member, whatever its wire: runs each line it is given as a command or a room
 * message, and answers through its {@link ChatWire}. {@link ChatHandler} feeds it the lines of a
 * line connection, {@link ChatEndpoint} the text messages of a WebSocket session. Runs on the
 * member's loop only; what it shares with other loops goes through {@link ChatState} and {@link
 * Member#send}.
 */
final class ChatSession implements LineDecoder.Sink {

    /** How much of an unknown command is quoted back in the error. */
    private static final int QUOTE_LIMIT = 32;

    /** A nick claim is out to the cluster; a second /nick waits for its answer. */
    private boolean claiming;
    private final ChatState state;
    private final ChatWire wire;
    private final Member member;
    /** Paces this member's room lines ({@link FanOutPacer#PER_TURN}). */
    private final FanOutPacer pacer;
    /** What the wire does when a wait ends (the line wire reads on); own loop only. */
    private Runnable onFanOutDone = () -> {};

    /** Admits a new member on {@code wire} as a guest: greets it and puts it in the lobby. */
    ChatSession(ChatState state, ChatWire wire) {
        this.state = state;
        this.wire = wire;
        member = new Member(wire, state);
        pacer = new FanOutPacer(wire.loop(), this::fanOutDone);
        member.nick(state.admitGuest(member));
        reply(ChatText.greeting(member.nick()));
        if (!state.cluster().reachable()) {
            reply(ClusterLink.UNREACHABLE);
        }
        enter(ChatState.LOBBY);
    }

    /** Sets what runs (on this loop) when a wait for this member's fan-out ends. */
    void onFanOutDone(Runnable then) {
        onFanOutDone = then;
    }

    /** Whether this member's lines handed out a round's worth of deliveries that have not gone out yet. */
    boolean awaitingFanOut() {
        return pacer.waiting();
    }

    /** Whether the member has left the chat: nothing it sends counts any more. */
    boolean isGone() {
        return member.isGone();
    }

    /** The member was idle too long: says why, tells the room, and closes. */
    void idle() {
        disconnect(ChatText.IDLE, "left (idle)");
    }

    /** Tells the member {@code notice}, the room that it left ({@code verb}), and closes. */
    void disconnect(String notice, String verb) {
        wire.write(ChatText.encode(wire.alloc(), notice));
        wire.flush();
        leaveChat(verb);
        wire.close();
    }

    /** The server is going down: everyone leaves at once, unannounced. */
    void shutdown() {
        state.shutDown();
        member.depart();
        wire.write(ChatText.encode(wire.alloc(), ChatText.SHUTDOWN));
        wire.flush();
        wire.close();
    }

    /** The wire closed: the member leaves and its room is told. */
    void closed() {
        member.closed();
        leaveChat("quit");
    }

    /**
     * Runs one line; never called while {@link #awaitingFanOut()} (the wire keeps its input then).
     *
     * @return false once the member left or its fan-out must be waited for (the caller keeps the rest)
     */
    @Override
    public boolean line(String text) {
        if (pacer.waiting()) {
            throw new IllegalStateException("a line while this member's fan-out is awaited: its wire must keep it");
        }
        if (text.startsWith("/") && !text.startsWith("//")) {
            command(text);
        } else if (!text.isBlank()) {
            say(text.startsWith("//") ? text.substring(1) : text);
        }
        return !member.isGone() && !pacer.waiting();
    }

    @Override
    public void tooLong() {
        reply(ChatText.error("line too long (the limit is " + state.settings().maxLine() + " bytes); it was discarded"));
    }

    @Override
    public void noRoom() {
        reply(ChatText.error("line discarded: it arrived in pieces while the server's line buffers are full; send whole lines"));
    }

    private void command(String line) {
        int space = firstWhitespace(line);
        String name = (space < 0 ? line : line.substring(0, space)).toLowerCase(Locale.ROOT);
        String argument = space < 0 ? "" : line.substring(space + 1).strip();
        switch (name) {
            case "/nick" -> nick(argument);
            case "/join" -> join(argument);
            case "/leave" -> leave(argument);
            case "/rooms" -> rooms(argument);
            case "/who" -> who(argument);
            case "/msg" -> message(argument);
            case "/me" -> action(argument);
            case "/help" -> help(argument);
            case "/quit" -> quit(argument);
            default -> reply(ChatText.error("unknown command " + quote(name) + "; type /help for the list"));
        }
    }

    private void say(String text) {
        Room room = member.room();
        broadcast(room, ChatText.said(room.name(), member.nick(), ChatText.clean(text)), true);
    }

    /** Told when a room line reached this instance's members but not the others (hand-off queue full). */
    static final String NOT_SENT_ELSEWHERE =
            ChatText.error("your last line reached this server's users only: too many messages waiting for the other instances");

    private void nick(String nick) {
        String old = member.nick();
        if (nick.isEmpty()) {
            reply(ChatText.error("usage: /nick NAME"));
        } else if (!ChatText.isValidNick(nick)) {
            reply(ChatText.error("invalid nick " + quote(nick) + ": use " + ChatText.NICK_RULE));
        } else if (nick.toLowerCase(Locale.ROOT).startsWith(ChatText.GUEST_PREFIX)) {
            reply(ChatText.error("invalid nick " + quote(nick) + ": nicks starting with " + ChatText.GUEST_PREFIX + " are reserved"));
        } else if (nick.equals(old)) {
            reply(ChatText.error("you are already " + old));
        } else if (claiming) {
            reply(ChatText.error("a nick change is already under way; wait for its answer"));
        } else if (!state.claimNick(nick, member)) {
            reply(ChatText.error("nick " + nick + " is taken"));
        } else {
            claiming = true;
            state.cluster().claim(member, nick, refused -> renamed(old, nick, refused));
        }
    }

    /** The cluster answered the claim of {@code nick} (null: granted); runs on this loop. */
    private void renamed(String old, String nick, String refused) {
        claiming = false;
        if (member.isGone()) {
            state.releaseNick(nick, member);
            return;
        }
        if (refused != null) {
            if (!ChatState.sameNick(old, nick)) {
                state.releaseNick(nick, member);
            }
            reply(ChatText.error(refused));
            return;
        }
        member.nick(nick);
        if (!ChatState.sameNick(old, nick)) {
            state.releaseNick(old, member);
        }
        Room room = member.room();
        state.cluster().present(member, nick, room.name());
        broadcast(room, ChatText.event(room.name(), old + " is now known as " + nick), null, false);
    }

    private void join(String argument) {
        String name = argument.startsWith("#") ? argument.substring(1) : argument;
        if (name.isEmpty()) {
            reply(ChatText.error("usage: /join ROOM"));
        } else if (!ChatText.isValidRoom(name)) {
            reply(ChatText.error("invalid room name " + quote(name) + ": use " + ChatText.ROOM_RULE));
        } else if (Room.key(name).equals(member.room().key())) {
            reply(ChatText.error("you are already in " + member.room().name()));
        } else {
            exit("left");
            enter(name);
        }
    }

    private void leave(String argument) {
        if (!argument.isEmpty()) {
            reply(ChatText.error("usage: /leave (it takes no argument)"));
        } else if (member.room().key().equals(ChatState.LOBBY)) {
            reply(ChatText.error("you are in " + ChatState.LOBBY + " already; /join ROOM to move, /quit to leave the chat"));
        } else {
            exit("left");
            enter(ChatState.LOBBY);
        }
    }

    private void rooms(String argument) {
        if (!argument.isEmpty()) {
            reply(ChatText.error("usage: /rooms (it takes no argument)"));
            return;
        }
        StringJoiner list = new StringJoiner(", ", "rooms: ", "");
        Map<String, Map.Entry<String, Integer>> remote = new HashMap<>(state.cluster().remoteRooms());
        for (Room room : state.rooms()) {
            Map.Entry<String, Integer> there = remote.remove(room.key());
            list.add(room.name() + " (" + (room.size() + (there == null ? 0 : there.getValue())) + ")");
        }
        new TreeMap<>(remote).values().forEach(there -> list.add(there.getKey() + " (" + there.getValue() + ")"));
        reply(ChatText.info(list.toString()));
    }

    private void who(String argument) {
        if (!argument.isEmpty()) {
            reply(ChatText.error("usage: /who (it takes no argument)"));
            return;
        }
        Room room = member.room();
        List<String> nicks = new ArrayList<>();
        for (Member other : room.members()) {
            nicks.add(other.nick());
        }
        nicks.addAll(state.cluster().remoteMembers(room.key()));
        nicks.sort(String.CASE_INSENSITIVE_ORDER);
        reply(ChatText.info("in " + room.name() + " (" + nicks.size() + "): " + String.join(", ", nicks)));
    }

    private void message(String argument) {
        int space = firstWhitespace(argument);
        String text = space < 0 ? "" : argument.substring(space + 1).strip();
        if (text.isEmpty()) {
            reply(ChatText.error("usage: /msg NICK TEXT"));
            return;
        }
        String nick = argument.substring(0, space);
        Member target = state.findNick(nick);
        String clean = ChatText.clean(text);
        if (target == null) {
            messageElsewhere(nick, clean);
            return;
        }
        target.send(ChatText.encode(wire.alloc(), ChatText.privateFrom(member.nick(), clean)), null, true);
        reply(ChatText.privateTo(target.nick(), clean));
    }

    /** A private message for a nick that is not on this instance. */
    private void messageElsewhere(String nick, String clean) {
        String[] spelled = {nick};
        switch (state.cluster().toNick(nick, ChatText.privateFrom(member.nick(), clean), s -> spelled[0] = s, member)) {
            case SENT -> reply(ChatText.privateTo(spelled[0], clean));
            case NO_SUCH_NICK -> reply(ChatText.error("no such nick: " + quote(nick)));
            case UNREACHABLE -> reply(ChatText.error("not sent: " + nick + " is on another instance, which is unreachable now"));
            case DROPPED -> reply(ChatText.error("not sent: too many messages waiting for the other instances; try again"));
        }
    }

    private void action(String text) {
        if (text.isEmpty()) {
            reply(ChatText.error("usage: /me ACTION"));
            return;
        }
        Room room = member.room();
        broadcast(room, ChatText.action(room.name(), member.nick(), ChatText.clean(text)), true);
    }

    private void help(String argument) {
        reply(argument.isEmpty() ? ChatText.HELP : ChatText.error("usage: /help (it takes no argument)"));
    }

    private void quit(String reason) {
        reply(ChatText.info("bye"));
        leaveChat(reason.isEmpty() ? "quit" : "quit (" + ChatText.clean(reason) + ")");
        wire.close();
    }

    /** Joins {@code name} and tells its members, this one included. */
    private void enter(String name) {
        Room room = state.join(member, name);
        member.room(room);
        broadcast(room, ChatText.event(room.name(), member.nick() + " joined"), null, false);
    }

    /** Leaves the current room and tells its members and this one. */
    private void exit(String verb) {
        Room room = member.room();
        state.leave(member, room);
        member.room(null);
        String notice = ChatText.event(room.name(), member.nick() + " " + verb);
        reply(notice);
        broadcast(room, notice, null, false);
    }

    /** Leaves the chat for good and tells the room, unless the whole server is going away. */
    private void leaveChat(String verb) {
        String nick = member.nick();
        Room room = member.depart();
        if (room != null && !state.isShuttingDown()) {
            broadcast(room, ChatText.event(room.name(), nick + " " + verb), null, false);
        }
    }

    /** A room line from this user: everyone else in the room gets it. */
    private void broadcast(Room room, String line, boolean counted) {
        broadcast(room, line, member, counted);
    }

    private void broadcast(Room room, String line, Member except, boolean counted) {
        room.broadcast(ChatText.encode(wire.alloc(), line), except, counted);
        if (!member.isGone()) {
            pacer.handedOut(room, room.size());
        }
        if (!state.cluster().toRoom(room.name(), line, counted, except == member ? member : null) && except == member) {
            reply(NOT_SENT_ELSEWHERE);
        }
    }

    /** A wait for this member's fan-out ended: the wire reads on. */
    private void fanOutDone() {
        if (!member.isGone()) {
            onFanOutDone.run();
        }
    }

    private void reply(String line) {
        member.sendHere(ChatText.encode(wire.alloc(), line), null, false);
    }

    private static int firstWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** {@code text} in quotes, cleaned and cut short, for error messages. */
    private static String quote(String text) {
        String shown = text.length() > QUOTE_LIMIT ? text.substring(0, QUOTE_LIMIT) + "..." : text;
        return "\"" + ChatText.clean(shown) + "\"";
    }
}
