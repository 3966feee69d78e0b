package io.jselectors.connection.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** What a connection holds for a record that has not all arrived. */
class TlsRecordsTest {

    @Test
    void aTrickledRecordHoldsAtMostTwiceWhatArrived() throws Exception {
        TlsRecords records = new TlsRecords(SSLContext.getDefault().createSSLEngine(), UnpooledByteBufAllocator.DEFAULT);
        try {
            // Application data, TLS 1.2 on the wire, announcing a full 16 KiB record; no room behind it.
            records.append(exact(0x17, 0x03, 0x03, 0x40, 0x00));
            for (int i = 0; i < 200; i++) {
                records.append(exact(i & 0xff));
                assertThat(records.inboundBytes()).isEqualTo(6 + i);
                assertThat(records.inboundCapacity()).as("held after %d bytes", 6 + i).isLessThanOrEqualTo(2 * (6 + i));
            }
        } finally {
            records.release();
        }
    }

    @Test
    void aRecordCompletedInLargePiecesIsJoinedOnceIntoItsOwnSize() throws Exception {
        TlsRecords records = new TlsRecords(SSLContext.getDefault().createSSLEngine(), UnpooledByteBufAllocator.DEFAULT);
        try {
            records.append(exact(0x17, 0x03, 0x03, 0x10, 0x00)); // 4 KiB announced
            byte[] piece = new byte[3000];
            records.append(Unpooled.wrappedBuffer(piece));
            records.append(Unpooled.wrappedBuffer(piece, 0, 4096 - 3000));
            assertThat(records.inboundBytes()).isEqualTo(5 + 4096);
            // Joined once into a buffer of the record's size; the rest went into its room.
            assertThat(records.inboundCapacity()).as("the record under way bounds the growth").isEqualTo(5 + 4096);
        } finally {
            records.release();
        }
    }

    /** A buffer of exactly these bytes, with no room to append into. */
    private static ByteBuf exact(int... bytes) {
        ByteBuf b = Unpooled.buffer(bytes.length, bytes.length);
        for (int v : bytes) {
            b.writeByte(v);
        }
        return b;
    }
}
