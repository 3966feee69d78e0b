package io.jselectors.protocol.chat;

import static io.jselectors.protocol.chat.ChatTesting.drain;
import static io.jselectors.protocol.chat.ChatTesting.guestNick;
import static io.jselectors.protocol.chat.ChatTesting.lines;
import static io.jselectors.protocol.chat.ChatTesting.login;
import static io.jselectors.protocol.chat.ChatTesting.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every command, its output, and each bad input's one-line error. */
class ChatCommandsTest {

    @Test
    void greetingNamesTheGuestTellsHowToPickANickAndListsTheCommands() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection first = tester.connect();
            List<String> greeting = lines(first);
            String guest = guestNick(greeting.getFirst());
            assertThat(greeting).hasSize(3);
            assertThat(greeting.get(1)).contains("/nick NAME")
                    .contains("/nick", "/join", "/leave", "/rooms", "/who", "/msg", "/me", "/help", "/quit");
            assertThat(greeting.get(2)).isEqualTo("[lobby] * " + guest + " joined");

            TestConnection second = tester.connect();
            String other = guestNick(lines(second).getFirst());
            assertThat(other).isNotEqualTo(guest);
            assertThat(lines(first)).containsExactly("[lobby] * " + other + " joined");
        }
    }

    @Test
    void plainLinesGoToTheOthersInTheRoomOnly() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            TestConnection carol = login(tester, "carol");
            carol.receive("/join games\n");
            drain(alice, bob, carol);

            alice.receive("hello there\n");
            assertThat(lines(bob)).containsExactly("[lobby] alice: hello there");
            assertThat(lines(alice)).as("no echo to the sender").isEmpty();
            assertThat(lines(carol)).isEmpty();

            alice.receive("//join is how you move\n");
            assertThat(lines(bob)).containsExactly("[lobby] alice: /join is how you move");
        }
    }

    @Test
    void blankLinesAreIgnored() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            drain(alice);
            alice.receive("\n\r\n   \n\t\n");
            assertThat(lines(alice)).isEmpty();
            assertThat(lines(bob)).isEmpty();
        }
    }

    @Test
    void controlCharactersCannotReachOtherTerminals() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            drain(alice);
            alice.receive("red \u001b[31malert\rfake\u0085 ok\ttab\n");
            assertThat(lines(bob)).containsExactly("[lobby] alice: red \uFFFD[31malert\uFFFDfake\uFFFD ok\ttab");
        }
    }

    @Test
    void nickChangesAreAnnouncedAndCaseInsensitivelyUnique() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            drain(alice);

            bob.receive("/nick ALICE\n");
            assertThat(lines(bob)).containsExactly("! nick ALICE is taken");
            bob.receive("/nick alice\n");
            assertThat(lines(bob)).containsExactly("! nick alice is taken");
            assertThat(lines(alice)).isEmpty();

            alice.receive("/nick Alice\n");
            assertThat(lines(alice)).containsExactly("[lobby] * alice is now known as Alice");
            assertThat(lines(bob)).containsExactly("[lobby] * alice is now known as Alice");

            alice.receive("/nick Alice\n");
            assertThat(lines(alice)).containsExactly("! you are already Alice");

            alice.receive("/nick alicia\n");
            drain(alice, bob);
            bob.receive("/nick alice\n");
            assertThat(lines(bob)).as("the old nick is free again").containsExactly("[lobby] * bob is now known as alice");
            assertThat(state(tester).userCount()).isEqualTo(2);
        }
    }

    @Test
    void invalidNicksSayWhatIsAllowed() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            String rule = "use 1-20 characters from A-Z a-z 0-9 _ -, starting with a letter";
            for (String bad : List.of("9lives", "al ice", "al:ice", "a".repeat(21), "émile", "-x")) {
                alice.receive("/nick " + bad + "\n");
                assertThat(lines(alice)).as(bad).containsExactly("! invalid nick \"" + (bad.length() > 32 ? bad.substring(0, 32) + "..." : bad) + "\": " + rule);
            }
            alice.receive("/nick Guest-7\n");
            assertThat(lines(alice)).containsExactly("! invalid nick \"Guest-7\": nicks starting with guest- are reserved");
            alice.receive("/nick\n");
            assertThat(lines(alice)).containsExactly("! usage: /nick NAME");
            alice.receive("/nick " + "b".repeat(20) + "\n");
            assertThat(lines(alice)).containsExactly("[lobby] * alice is now known as " + "b".repeat(20));
        }
    }

    @Test
    void joinMovesBetweenRoomsAndTellsBoth() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            TestConnection carol = login(tester, "carol");
            carol.receive("/join Games\n");
            drain(alice, bob, carol);

            alice.receive("/join #games\n");
            assertThat(lines(alice)).containsExactly("[lobby] * alice left", "[Games] * alice joined");
            assertThat(lines(bob)).containsExactly("[lobby] * alice left");
            assertThat(lines(carol)).containsExactly("[Games] * alice joined");

            alice.receive("hi carol\n");
            assertThat(lines(carol)).containsExactly("[Games] alice: hi carol");
            assertThat(lines(bob)).isEmpty();

            alice.receive("/join GAMES\n");
            assertThat(lines(alice)).containsExactly("! you are already in Games");
            alice.receive("/join\n");
            assertThat(lines(alice)).containsExactly("! usage: /join ROOM");
            alice.receive("/join no way\n");
            assertThat(lines(alice)).containsExactly("! invalid room name \"no way\": use 1-30 characters from A-Z a-z 0-9 _ -");
            assertThat(lines(carol)).isEmpty();
        }
    }

    @Test
    void leaveGoesBackToTheLobbyAndAnEmptyRoomDisappears() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            drain(alice);
            alice.receive("/leave\n");
            assertThat(lines(alice)).containsExactly("! you are in lobby already; /join ROOM to move, /quit to leave the chat");

            alice.receive("/join dev\n");
            assertThat(state(tester).roomCount()).isEqualTo(2);
            drain(alice, bob);
            alice.receive("/leave\n");
            assertThat(lines(alice)).containsExactly("[dev] * alice left", "[lobby] * alice joined");
            assertThat(lines(bob)).containsExactly("[lobby] * alice joined");
            assertThat(state(tester).roomCount()).isEqualTo(1);
            assertThat(state(tester).room("dev")).isNull();

            alice.receive("/leave now\n");
            assertThat(lines(alice)).containsExactly("! usage: /leave (it takes no argument)");
        }
    }

    @Test
    void roomsListsEveryRoomWithItsMemberCount() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            login(tester, "carol");
            bob.receive("/join zoo\n");
            alice.receive("/join Attic\n");
            drain(alice);
            alice.receive("/rooms\n");
            assertThat(lines(alice)).containsExactly("* rooms: Attic (1), lobby (1), zoo (1)");
            alice.receive("/rooms please\n");
            assertThat(lines(alice)).containsExactly("! usage: /rooms (it takes no argument)");
        }
    }

    @Test
    void whoListsTheMembersOfTheRoom() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection carol = login(tester, "carol");
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "Bob");
            TestConnection guest = tester.connect();
            String guestNick = guestNick(lines(guest).getFirst());
            bob.receive("/join elsewhere\n");
            drain(alice, carol);
            alice.receive("/who\n");
            assertThat(lines(alice)).containsExactly("* in lobby (3): alice, carol, " + guestNick);
            bob.receive("/who\n");
            assertThat(lines(bob)).endsWith("* in elsewhere (1): Bob");
            alice.receive("/who is there\n");
            assertThat(lines(alice)).containsExactly("! usage: /who (it takes no argument)");
        }
    }

    @Test
    void msgReachesOnlyItsTargetWhereverItIs() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            TestConnection carol = login(tester, "carol");
            bob.receive("/join far\n");
            drain(alice, bob, carol);

            alice.receive("/msg BOB   psst, over here  \n");
            assertThat(lines(bob)).containsExactly("[pm] alice: psst, over here");
            assertThat(lines(alice)).containsExactly("[pm to bob] psst, over here");
            assertThat(lines(carol)).isEmpty();

            alice.receive("/msg dave hello\n");
            assertThat(lines(alice)).containsExactly("! no such nick: \"dave\"");
            alice.receive("/msg bob\n");
            assertThat(lines(alice)).containsExactly("! usage: /msg NICK TEXT");
            alice.receive("/msg\n");
            assertThat(lines(alice)).containsExactly("! usage: /msg NICK TEXT");
            assertThat(lines(bob)).isEmpty();
        }
    }

    @Test
    void meIsAnActionInTheRoom() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            drain(alice);
            alice.receive("/me waves\n");
            assertThat(lines(bob)).containsExactly("[lobby] * alice waves");
            alice.receive("/me\n");
            assertThat(lines(alice)).containsExactly("! usage: /me ACTION");
            assertThat(lines(bob)).isEmpty();
        }
    }

    @Test
    void helpListsEveryCommand() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            alice.receive("/HELP\n");
            List<String> help = lines(alice);
            for (String command : List.of("/nick NAME", "/join ROOM", "/leave", "/rooms", "/who", "/msg NICK TEXT", "/me ACTION", "/help", "/quit")) {
                assertThat(help).anySatisfy(line -> assertThat(line).startsWith("*   " + command));
            }
            alice.receive("/help me\n");
            assertThat(lines(alice)).containsExactly("! usage: /help (it takes no argument)");
        }
    }

    @Test
    void unknownCommandsAreRefusedInOneLine() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            drain(alice);
            alice.receive("/dance wildly\n/\n");
            assertThat(lines(alice)).containsExactly(
                    "! unknown command \"/dance\"; type /help for the list",
                    "! unknown command \"/\"; type /help for the list");
            assertThat(lines(bob)).isEmpty();
            assertThat(alice.isOpen()).isTrue();
        }
    }

    @Test
    void quitSaysByeClosesAndTellsTheRoomAndIgnoresWhatFollows() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            drain(alice);
            alice.receive("/quit\nnot said\n");
            assertThat(lines(alice)).containsExactly("* bye");
            assertThat(alice.isOpen()).isFalse();
            assertThat(alice.closeCause()).isNull();
            assertThat(lines(bob)).containsExactly("[lobby] * alice quit");

            TestConnection carol = login(tester, "carol");
            drain(bob);
            carol.receive("/quit see you all\n");
            assertThat(lines(bob)).containsExactly("[lobby] * carol quit (see you all)");
            assertThat(state(tester).userCount()).isEqualTo(1);
        }
    }

    @Test
    void aDroppedConnectionIsAnnouncedAsAQuit() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            TestConnection carol = login(tester, "carol");
            drain(alice, bob);
            alice.peerReset();
            carol.peerShutdownOutput();
            assertThat(lines(bob)).containsExactly("[lobby] * alice quit", "[lobby] * carol quit");
            bob.receive("/who\n");
            assertThat(lines(bob)).containsExactly("* in lobby (1): bob");
        }
    }
}
