package io.jselectors.server.tls;

import io.jselectors.connection.tls.HandshakeFailure;
import io.jselectors.connection.tls.TlsObserver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Records each handshake outcome as {@code "done TLSv1.3"} or {@code "failed timeout"} (tests). */
public final class RecordingObserver implements TlsObserver {

    /** What happened, in order; safe to read from the test thread. */
    public final List<String> events = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void handshakeDone(String protocol, long nanos) {
        events.add("done " + protocol);
    }

    @Override
    public void handshakeFailed(HandshakeFailure reason) {
        events.add("failed " + reason.tag());
    }
}
