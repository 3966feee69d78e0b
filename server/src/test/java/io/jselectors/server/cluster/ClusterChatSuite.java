package io.jselectors.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.server.JdkWebSocketChatClient;
import io.jselectors.server.tls.SelfSignedCertificate;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chat cluster contract, written once and run against each broker (a subclass names the
 * broker): three server instances on one broker, {@code nc}-style clients spread over them.
 * Every wait is for an outcome (a line arrives, {@code /who} converges), never for a time.
 */
abstract class ClusterChatSuite {

    /** The broker for this test; started fresh by the subclass. */
    abstract BrokerProcess newBroker();

    private BrokerProcess broker;
    private final List<Instance.InJvm> instances = new ArrayList<>();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private String cluster;

    @BeforeEach
    void startCluster() throws Exception {
        broker = newBroker().start();
        cluster = "t" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            instances.add(Instance.inJvm(broker.url(), cluster));
        }
        // Users who arrive before their instance reached the broker are told it is unreachable
        // (and cannot pick a nick yet); the tests start once every instance is connected.
        for (Instance.InJvm instance : instances) {
            awaitConnected(instance);
        }
    }

    private static void awaitConnected(Instance.InJvm instance) throws InterruptedException {
        long deadline = System.nanoTime() + ChatClient.PATIENCE.toNanos();
        while (instance.meter("jselectors.chat.cluster.connected") != 1) {
            assertThat(System.nanoTime() - deadline).as("instance connected to the broker").isNegative();
            Thread.sleep(20);
        }
    }

    @AfterEach
    void stopCluster() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
        for (Instance i : instances) {
            i.close();
        }
        // Null when the set-up was skipped (the broker is not installed): the skip, with its
        // reason, is the test's result, not an error from here.
        if (broker != null) {
            broker.close();
        }
    }

    private InetSocketAddress at(int instance) {
        return instances.get(instance).address();
    }

    private ChatClient join(int instance, String nick) throws Exception {
        ChatClient client = new ChatClient(at(instance), nick);
        closing.add(client);
        return client;
    }

    /** Waits until {@code client}'s {@code /who} lists every one of {@code nicks}. */
    private static void whoShows(ChatClient client, String... nicks) throws Exception {
        client.poll("/who", "* in ", line -> List.of(nicks).stream().allMatch(n -> line.matches(".*[:,] " + n + "(,.*|$)")));
    }

    @Test
    void roomsWhoAndNoticesSpanTheInstances() throws Exception {
        ChatClient ann = join(0, "ann");
        ChatClient bob = join(1, "bob");
        ChatClient cat = join(2, "cat");
        whoShows(ann, "ann", "bob", "cat");
        whoShows(cat, "ann", "bob", "cat");

        ann.send("hello all");
        bob.await("[lobby] ann: hello all");
        cat.await("[lobby] ann: hello all");

        cat.send("/join dev");
        bob.await("[lobby] * cat left");
        // The room exists on cat's instance only once cat is told it joined: "cat left" goes out
        // first, and a notice that reached that instance before the room did has nobody to go to.
        cat.await("[dev] * cat joined");
        ann.send("/join dev");
        cat.await("[dev] * ann joined");
        ann.send("dev talk");
        cat.await("[dev] ann: dev talk");
        // Presence reaches bob's instance on its own schedule: ask until it has (as whoShows does).
        bob.poll("/rooms", "* rooms: ", line -> line.contains("dev (2)"));
        bob.send("still lobby");
        ann.send("/me waves");
        cat.await("[dev] * ann waves");
        assertThat(cat.received()).noneMatch(l -> l.contains("still lobby"));

        bob.send("/nick bobby");
        cat.poll("/rooms", "* rooms: ", line -> line.contains("lobby (1)"));
        whoShows(cat, "ann", "cat");
        ann.send("/join lobby");
        bob.await("[lobby] * ann joined");
        whoShows(bob, "ann", "bobby");
    }

    @Test
    void privateMessagesReachANickOnAnyInstance() throws Exception {
        ChatClient ann = join(0, "ann");
        ChatClient bob = join(1, "bob");
        whoShows(ann, "bob");
        ann.send("/msg BOB psst");
        bob.await("[pm] ann: psst");
        ann.await("[pm to bob] psst");
        bob.send("/msg ann back");
        ann.await("[pm] bob: back");
        ann.send("/msg nobody hi");
        ann.await("! no such nick");
    }

    @Test
    void aNickIsHeldOnceAcrossTheCluster() throws Exception {
        ChatClient ann = join(0, "zed");
        ChatClient bob = join(1, "bob");
        bob.send("/nick ZED");
        bob.await("! nick ZED is taken");
        ChatClient cat = join(2, "cat");
        cat.send("/nick zed");
        cat.await("! nick zed is taken");
        ann.send("/quit");
        ann.await("* bye");
        // The release travels through the hand-off; retry until it has arrived.
        bob.poll("/nick zed", "", line -> line.contains("is now known as zed"));
    }

    @Test
    void oneSendersLinesArriveInOrderEverywhere() throws Exception {
        ChatClient sender = join(0, "sender");
        List<ChatClient> readers = List.of(join(0, "near"), join(1, "mid"), join(2, "far"));
        whoShows(sender, "near", "mid", "far");
        int count = 3000;
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < count; i++) {
            burst.append("seq ").append(i).append('\n');
        }
        sender.send(burst.substring(0, burst.length() - 1));
        Pattern seq = Pattern.compile("\\[lobby] sender: seq (\\d+)");
        for (ChatClient reader : readers) {
            int next = 0;
            while (next < count) {
                String line = reader.await(l -> seq.matcher(l).matches(), "seq " + next);
                Matcher m = seq.matcher(line);
                assertThat(m.matches()).isTrue();
                assertThat(Integer.parseInt(m.group(1))).as("%s's next line", reader.nick()).isEqualTo(next);
                next++;
            }
        }
        assertThat(sender.received()).noneMatch(l -> l.startsWith("! "));
        Instance.InJvm a = instances.get(0);
        assertThat(a.meter("jselectors.chat.cluster.published")).isGreaterThanOrEqualTo(count);
        assertThat(instances.get(1).meter("jselectors.chat.cluster.received")).isGreaterThanOrEqualTo(count);
    }

    @Test
    void aBrokerKilledMidChatIsToldOnceAndRecoveredFrom() throws Exception {
        ChatClient ann = join(0, "ann");
        ChatClient amy = join(0, "amy");
        ChatClient bob = join(1, "bob");
        whoShows(bob, "ann", "amy", "bob");
        ann.send("before");
        bob.await("[lobby] ann: before");

        broker.kill();
        for (ChatClient c : List.of(ann, amy, bob)) {
            c.await("other instances are unreachable");
        }
        assertThat(instances.get(0).meter("jselectors.chat.cluster.connected")).isZero();
        ann.send("local only");
        amy.await("[lobby] ann: local only");
        bob.send("/nick robert");
        bob.await("! other instances are unreachable, so robert cannot be checked");

        broker.start();
        for (ChatClient c : List.of(ann, amy, bob)) {
            c.await("other instances are reachable again");
        }
        assertThat(instances.get(0).meter("jselectors.chat.cluster.reconnects")).isGreaterThanOrEqualTo(1);
        ann.send("after");
        bob.await("[lobby] ann: after");
        assertThat(bob.received()).as("sent while the broker was down: never delivered late")
                .noneMatch(l -> l.contains("local only"));
        assertThat(bob.received().stream().filter(l -> l.contains("other instances are unreachable (broker down)")).count()).as("told once").isEqualTo(1);
        whoShows(bob, "ann", "amy", "bob");
        // ann's claim was re-made on reconnect (a restarted broker lost it).
        bob.poll("/nick ann", "", line -> line.startsWith("! nick ann is taken"));
    }

    @Test
    void aBrokerThatWantsCredentialsGetsThemFromTheOptions() throws Exception {
        try (BrokerProcess guarded = newBroker().withCredentials("chat", "s3cret-pw").start();
                Instance.InJvm one = Instance.inJvm(Map.of("cluster", guarded.url(), "cluster-name", cluster,
                        "cluster-user", "chat", "cluster-password", "s3cret-pw"));
                Instance.InJvm two = Instance.inJvm(Map.of("cluster", guarded.url(), "cluster-name", cluster,
                        "cluster-user", "chat", "cluster-password", "s3cret-pw"));
                Instance.InJvm refused = Instance.inJvm(Map.of("cluster", guarded.url(), "cluster-name", cluster,
                        "cluster-user", "chat", "cluster-password", "wrong"))) {
            awaitConnected(one);
            awaitConnected(two);
            try (ChatClient ann = new ChatClient(one.address(), "ann"); ChatClient bob = new ChatClient(two.address(), "bob")) {
                ann.send("through a guarded broker");
                bob.await("[lobby] ann: through a guarded broker");
            }
            assertThat(refused.meter("jselectors.chat.cluster.connected")).as("wrong password: not connected").isZero();
        }
    }

    @Test
    void aBrokerOverTlsIsTrustedThroughTheGivenCertificates() throws Exception {
        Path dir = Files.createTempDirectory("jselectors-broker-tls");
        List<Path> files = SelfSignedCertificate.write(
                SelfSignedCertificate.generate(SelfSignedCertificate.DEFAULT_HOSTS, Instant.now()), dir);
        Path cert = files.get(0);
        try (BrokerProcess secure = newBroker().withTls(cert, files.get(1)).start();
                Instance.InJvm one = Instance.inJvm(Map.of("cluster", secure.url(), "cluster-name", cluster, "cluster-ca", cert.toString()));
                Instance.InJvm two = Instance.inJvm(Map.of("cluster", secure.url(), "cluster-name", cluster, "cluster-ca", cert.toString()));
                Instance.InJvm untrusting = Instance.inJvm(Map.of("cluster", secure.url(), "cluster-name", cluster))) {
            assertThat(secure.url()).matches("(tls|rediss)://127\\.0\\.0\\.1:\\d+");
            awaitConnected(one);
            awaitConnected(two);
            try (ChatClient ann = new ChatClient(one.address(), "ann"); ChatClient bob = new ChatClient(two.address(), "bob")) {
                ann.send("over tls");
                bob.await("[lobby] ann: over tls");
            }
            assertThat(untrusting.meter("jselectors.chat.cluster.connected"))
                    .as("the JVM's trust store does not know the broker's certificate: not connected").isZero();
        }
    }

    @Test
    void aBrokerCertificateForAnotherHostIsRefused() throws Exception {
        Path dir = Files.createTempDirectory("jselectors-broker-tls");
        List<Path> files = SelfSignedCertificate.write(SelfSignedCertificate.generate(List.of("broker.example"), Instant.now()), dir);
        try (BrokerProcess secure = newBroker().withTls(files.get(0), files.get(1)).start();
                Instance.InJvm misled = Instance.inJvm(Map.of("cluster", secure.url(), "cluster-name", cluster,
                        "cluster-ca", files.get(0).toString()))) {
            // The certificate is trusted (it is the trust file) but names broker.example, not
            // 127.0.0.1: the client must refuse it, which the broker logs as a certificate alert.
            long deadline = System.nanoTime() + ChatClient.PATIENCE.toNanos();
            while (!secure.logged(line -> line.contains("certificate") && (line.contains("alert") || line.contains("remote error")))) {
                assertThat(System.nanoTime() - deadline).as("the broker saw the client refuse its certificate").isNegative();
                Thread.sleep(50);
            }
            assertThat(misled.meter("jselectors.chat.cluster.connected")).as("a certificate for another host: not connected").isZero();
        }
    }

    @Test
    void aKilledInstanceLeavesTheOthersWhoAndFreesItsNicks() throws Exception {
        ChatClient ann = join(0, "ann");
        int port = BrokerProcess.freePort();
        Path log = Files.createTempFile("jselectors-instance", ".log");
        Process doomed = Instance.process(broker.url(), cluster, port, log);
        closing.add(doomed::destroyForcibly);
        ChatClient dana = new ChatClient(new InetSocketAddress("127.0.0.1", port), "dana");
        closing.add(dana);
        whoShows(ann, "ann", "dana");

        doomed.destroyForcibly();
        doomed.waitFor(10, TimeUnit.SECONDS);
        ann.await("[lobby] * dana left (their server stopped answering)");
        ann.poll("/who", "* in ", line -> !line.contains("dana"));
        // Its claim on "dana" expires with its lease; then the nick is free again.
        ChatClient bob = join(1, "bob");
        bob.poll("/nick dana", "", line -> line.contains("is now known as dana"));
    }

    @Test
    void aWebSocketMemberAndALineMemberOnTwoInstancesShareARoom() throws Exception {
        Instance.InJvm withPage = Instance.inJvm(Map.of("cluster", broker.url(), "cluster-name", cluster), "chat", "http");
        instances.add(withPage);
        awaitConnected(withPage);
        URI chat = URI.create("ws://127.0.0.1:" + withPage.server().address("http").getPort() + "/chat");
        try (HttpClient http = HttpClient.newHttpClient(); JdkWebSocketChatClient web = new JdkWebSocketChatClient(http, chat)) {
            web.await("welcome");
            web.send("/nick wendy");
            web.await("is now known as wendy");
            web.send("/join dev");
            web.await("[dev] * wendy joined");
            ChatClient bob = join(1, "bob");
            bob.send("/join dev");
            assertThat(web.await("bob joined")).as("a join on the other instance").isEqualTo("[dev] * bob joined");
            whoShows(bob, "bob", "wendy");
            web.send("from the websocket");
            bob.await("[dev] wendy: from the websocket");
            bob.send("from the line");
            assertThat(web.await("from the line")).isEqualTo("[dev] bob: from the line");
            bob.send("/msg wendy across");
            assertThat(web.await("across")).isEqualTo("[pm] bob: across");
        }
    }
}
