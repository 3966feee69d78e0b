package io.jselectors.server.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** An {@code nc}-style chat user: writes lines, and a reader thread keeps every line it is sent. */
final class ChatClient implements AutoCloseable {

    /** How long one expected line may take: generous, the machine may be loaded (an eventual outcome, not a bound). */
    static final Duration PATIENCE = Duration.ofSeconds(30);

    private final Socket socket;
    private final OutputStream out;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final String nick;

    ChatClient(InetSocketAddress server, String nick) throws IOException, InterruptedException {
        this.socket = new Socket(server.getAddress(), server.getPort());
        this.out = socket.getOutputStream();
        this.nick = nick;
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        Thread.ofPlatform().daemon().name("client-" + nick).start(() -> {
            try {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException closed) {
                // the test closed it, or the server went away
            }
            lines.add(EOF);
        });
        await("* pick a nick");
        // An instance that has just started may not have reached the broker yet: it refuses nick
        // changes until it has (the claim cannot be checked), so ask again until it answers.
        while (true) {
            send("/nick " + nick);
            String answer = await(l -> l.contains("is now known as " + nick) || l.startsWith("! "), "the /nick answer");
            if (!answer.startsWith("! ")) {
                return;
            }
            if (!answer.startsWith("! other instances are unreachable")) {
                throw new AssertionError(nick + ": /nick refused: " + answer);
            }
            Thread.sleep(100);
        }
    }

    static final String EOF = "\u0000eof";

    String nick() {
        return nick;
    }

    void send(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next line containing {@code text}; fails after {@link #PATIENCE}. */
    String await(String text) throws InterruptedException {
        return await(line -> line.contains(text), "a line containing '" + text + "'");
    }

    String await(Predicate<String> wanted, String what) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || line.equals(EOF)) {
                throw new AssertionError(nick + " never got " + what + (line == null ? "" : " (connection closed)")
                        + "; last lines: " + tail());
            }
            seen.add(line);
            if (wanted.test(line)) {
                return line;
            }
        }
    }

    /** Every line received so far (awaited or not), without waiting. */
    List<String> received() {
        lines.drainTo(seen);
        return List.copyOf(seen);
    }

    private List<String> tail() {
        return seen.subList(Math.max(0, seen.size() - 8), seen.size());
    }

    /**
     * Sends {@code command} until a reply line matching {@code wanted} comes back (presence
     * converges within a heartbeat; the test waits for the outcome, not for a time).
     */
    String poll(String command, String replyPrefix, Predicate<String> wanted) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        String last = null;
        while (System.nanoTime() - deadline < 0) {
            send(command);
            last = await(replyPrefix);
            if (wanted.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(nick + ": " + command + " never answered as wanted; last answer: " + last);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
