package io.jselectors.protocol.testkit.websocket;

import io.jselectors.protocol.WebSocketCloseCodes;
import io.jselectors.protocol.testkit.TestConnection;
import io.jselectors.protocol.websocket.Opcodes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalInt;

/**
 * The client end of one in-memory WebSocket session, as a browser would be: it sends masked frames
 * and reads the frames the server sent. Every send is delivered to the server's handler before it
 * returns (the testkit runs the loop), so the endpoint's answer can be read at once.
 *
 * <p>Reading: each accessor first reads what the server sent since the last call, then takes the
 * frames it is about ({@link #texts()} takes text messages, {@link #pongs()} pongs, ...) and leaves
 * the others for their own accessor; {@link #frames()} takes everything, in order. The server's
 * close frame, once read, stays visible through {@link #closeCode()}.
 *
 * <p>Backpressure: {@link #stopReading()} is a peer whose socket takes nothing more, so the
 * session's queue grows past the water mark, {@code isWritable()} turns false and the endpoint
 * hears {@code onWritabilityChanged}; the handler stops reading meanwhile ({@link
 * TestConnection#unreadBytes()} shows what waits). {@link #resumeReading()} undoes it.
 *
 * {@snippet :
 * WebSocketPeer peer = tester.connect();
 * peer.sendText("hello");
 * assertThat(peer.texts()).containsExactly("hello");       // an echo endpoint
 * peer.ping("are you there");
 * assertThat(peer.pongs()).containsExactly("are you there");
 * peer.close(WebSocketCloseCodes.NORMAL, "done");
 * assertThat(peer.closeCode()).hasValue(WebSocketCloseCodes.NORMAL);
 * }
 */
public final class WebSocketPeer {

    private final TestConnection connection;
    private final ClientFrames codec = new ClientFrames();
    private final List<WebSocketFrame> unread = new ArrayList<>();
    private WebSocketFrame serverClose;

    WebSocketPeer(TestConnection connection) {
        this.connection = connection;
    }

    /** The testkit connection under the session: writability, pending and unread bytes, close cause. */
    public TestConnection connection() {
        return connection;
    }

    // ---- sending ----

    /** Sends {@code text} as one text message. */
    public WebSocketPeer sendText(String text) {
        return sendFrame(true, Opcodes.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code data} as one binary message. */
    public WebSocketPeer sendBinary(byte[] data) {
        return sendFrame(true, Opcodes.BINARY, data);
    }

    /** Sends a ping with {@code payload} (at most 125 bytes, or the server closes with 1002). */
    public WebSocketPeer ping(String payload) {
        return sendFrame(true, Opcodes.PING, payload.getBytes(StandardCharsets.UTF_8));
    }

    /** Starts (or answers) the closing handshake with {@code code} and {@code reason}. */
    public WebSocketPeer close(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        return sendFrame(true, Opcodes.CLOSE, ByteBuffer.allocate(2 + text.length).putShort((short) code).put(text).array());
    }

    /**
     * Sends one frame as given, masked: fragments ({@code fin} false, then {@link
     * Opcodes#CONTINUATION}s), or a frame that breaks a rule, to see the server's close code.
     */
    public WebSocketPeer sendFrame(boolean fin, int opcode, byte[] payload) {
        return sendRaw(codec.encode(fin, opcode, payload));
    }

    /** Sends {@code bytes} as they are (half a frame, an unmasked frame, ...). */
    public WebSocketPeer sendRaw(byte[] bytes) {
        connection.receive(bytes);
        return this;
    }

    // ---- reading ----

    /** Every frame the server sent that no accessor has taken yet, in order; taken. */
    public List<WebSocketFrame> frames() {
        read();
        List<WebSocketFrame> all = List.copyOf(unread);
        unread.clear();
        return all;
    }

    /** The text messages the server sent (fragments assembled); taken. */
    public List<String> texts() {
        List<String> out = new ArrayList<>();
        for (byte[] message : messages(Opcodes.TEXT)) {
            out.add(new String(message, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The binary messages the server sent (fragments assembled); taken. */
    public List<byte[]> binaries() {
        return messages(Opcodes.BINARY);
    }

    /** The payloads of the pongs the server sent, as UTF-8; taken. */
    public List<String> pongs() {
        return control(Opcodes.PONG);
    }

    /** The payloads of the pings the server sent (idle pings), as UTF-8; taken. */
    public List<String> pings() {
        return control(Opcodes.PING);
    }

    /** The code of the server's close frame, if it sent one ({@link WebSocketCloseCodes#NO_STATUS} for an empty one). */
    public OptionalInt closeCode() {
        read();
        return serverClose == null ? OptionalInt.empty() : OptionalInt.of(serverClose.closeCode());
    }

    /** The reason in the server's close frame, or null if it sent none. */
    public String closeReason() {
        read();
        return serverClose == null ? null : serverClose.closeReason();
    }

    /** Whether the connection under the session is still open (the server closes it after the handshake). */
    public boolean isOpen() {
        return connection.isOpen();
    }

    // ---- backpressure ----

    /** The peer stops reading: the socket takes nothing more from the server. */
    public WebSocketPeer stopReading() {
        connection.socketCapacity(0);
        return this;
    }

    /** The peer reads again: everything queued moves on, and writability comes back. */
    public WebSocketPeer resumeReading() {
        connection.socketCapacity(TestConnection.UNLIMITED);
        return this;
    }

    private void read() {
        for (WebSocketFrame frame : codec.decode(connection.takeOutput())) {
            if (frame.opcode() == Opcodes.CLOSE && serverClose == null) {
                serverClose = frame;
            }
            unread.add(frame);
        }
    }

    private List<String> control(int opcode) {
        read();
        List<String> out = new ArrayList<>();
        for (Iterator<WebSocketFrame> it = unread.iterator(); it.hasNext(); ) {
            WebSocketFrame frame = it.next();
            if (frame.opcode() == opcode) {
                out.add(frame.text());
                it.remove();
            }
        }
        return out;
    }

    /**
     * Takes the complete messages that start with an {@code opcode} frame: that frame and its
     * continuations (control frames between fragments stay unread). A message still being
     * fragmented stays for a later call.
     */
    private List<byte[]> messages(int opcode) {
        read();
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        while (i < unread.size()) {
            if (unread.get(i).opcode() != opcode) {
                i++;
                continue;
            }
            List<Integer> parts = new ArrayList<>(List.of(i));
            int j = i;
            boolean complete = unread.get(i).fin();
            while (!complete && ++j < unread.size()) {
                WebSocketFrame next = unread.get(j);
                if (next.opcode() == Opcodes.CONTINUATION) {
                    parts.add(j);
                    complete = next.fin();
                }
            }
            if (!complete) {
                break;
            }
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            for (int part : parts) {
                message.writeBytes(unread.get(part).payload());
            }
            out.add(message.toByteArray());
            for (int k = parts.size() - 1; k >= 0; k--) {
                unread.remove((int) parts.get(k));
            }
        }
        return out;
    }
}
