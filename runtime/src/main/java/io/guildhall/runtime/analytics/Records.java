package io.guildhall.runtime.analytics;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The store's encoding of analytics records: a version byte, then the fields in a fixed order
 * (DataOutput: UTF strings, big-endian longs). Independent of the HTTP JSON mapping, so the wire
 * format can change without touching stored data and a new version can still read the old one.
 */
final class Records {
    private static final byte IDENTITY_V1 = 1;
    private static final byte SESSION_V1 = 1;
    private static final byte EVENT_V1 = 1;
    /** V1 plus how the event was attributed ({@link EventRecord.Via}). */
    private static final byte EVENT_V2 = 2;

    private Records() {
    }

    static byte[] identity(IdentityRecord r) {
        return write(out -> {
            out.writeByte(IDENTITY_V1);
            out.writeUTF(r.identityId());
            out.writeLong(r.createdMillis());
            map(out, r.defaults());
            map(out, r.custom());
        });
    }

    static IdentityRecord identity(byte[] bytes) {
        return read(bytes, in -> {
            version(in, IDENTITY_V1, "identity");
            return new IdentityRecord(in.readUTF(), in.readLong(), map(in), map(in));
        });
    }

    static byte[] session(SessionRecord r) {
        return write(out -> {
            out.writeByte(SESSION_V1);
            out.writeUTF(r.identityId());
            out.writeUTF(r.sessionId());
            out.writeLong(r.startMillis());
            out.writeLong(r.lastActivityMillis());
            out.writeLong(r.events());
            out.writeLong(r.expiresAt());
        });
    }

    static SessionRecord session(byte[] bytes) {
        return read(bytes, in -> {
            version(in, SESSION_V1, "session");
            return new SessionRecord(in.readUTF(), in.readUTF(), in.readLong(), in.readLong(), in.readLong(), in.readLong());
        });
    }

    static byte[] event(EventRecord r) {
        return write(out -> {
            out.writeByte(EVENT_V2);
            out.writeUTF(r.eventId());
            out.writeUTF(r.clientId());
            out.writeUTF(r.identityId());
            out.writeUTF(r.sessionId());
            out.writeByte(r.kind().ordinal());
            out.writeUTF(r.name());
            out.writeUTF(r.value());
            map(out, r.metadata());
            out.writeLong(r.timestampMillis());
            out.writeLong(r.receivedMillis());
            out.writeBoolean(r.skewed());
            out.writeUTF(r.source());
            out.writeLong(r.sessionIssuedAt());
            out.writeLong(r.sessionExpiresAt());
            out.writeByte(r.via().ordinal());
        });
    }

    static EventRecord event(byte[] bytes) {
        return read(bytes, in -> {
            byte version = in.readByte();
            if (version != EVENT_V1 && version != EVENT_V2) {
                throw new IOException("unknown event record version " + version);
            }
            String eventId = in.readUTF();
            String clientId = in.readUTF();
            String identityId = in.readUTF();
            String sessionId = in.readUTF();
            EventRecord.Kind kind = EventRecord.Kind.values()[in.readByte()];
            String name = in.readUTF();
            String value = in.readUTF();
            Map<String, String> metadata = map(in);
            long timestamp = in.readLong();
            long received = in.readLong();
            boolean skewed = in.readBoolean();
            String source = in.readUTF();
            long issuedAt = in.readLong();
            long expiresAt = in.readLong();
            EventRecord.Via via = version == EVENT_V2 ? EventRecord.Via.values()[in.readByte()] : switch (kind) {
                case ATTRIBUTED -> EventRecord.Via.GIVEN_SESSION;
                case ORPHANED -> EventRecord.Via.NO_RECENT_SESSION;
                case NON_PLAYER -> EventRecord.Via.NO_IDENTITY;
            };
            return new EventRecord(eventId, clientId, identityId, sessionId, kind, name, value, metadata, timestamp,
                    received, skewed, source, issuedAt, expiresAt, via);
        });
    }

    /** The fields of a stored event the session metrics use. */
    record MetricEvent(String identityId, String sessionId, EventRecord.Kind kind, String name, long timestampMillis,
                       EventRecord.Via via) {
    }

    /**
     * Reads only what the metrics use of a stored event, skipping the rest: a full rebuild reads
     * every stored event, and decoding whole records was a quarter of its time.
     */
    static MetricEvent metricEvent(byte[] bytes) {
        Lean in = new Lean(bytes);
        byte version = in.readByte();
        if (version != EVENT_V1 && version != EVENT_V2) {
            throw new UncheckedIOException(new IOException("unknown event record version " + version));
        }
        in.skipUTF(); // eventId
        in.skipUTF(); // clientId
        String identityId = in.readUTF();
        String sessionId = in.readUTF();
        EventRecord.Kind kind = EventRecord.Kind.values()[in.readByte()];
        String name = in.readUTF();
        in.skipUTF(); // value
        for (int i = in.readInt(); i > 0; i--) { // metadata
            in.skipUTF();
            in.skipUTF();
        }
        long timestamp = in.readLong();
        in.skip(8 + 1); // received, skewed
        in.skipUTF(); // source
        in.skip(8 + 8); // issuedAt, expiresAt
        EventRecord.Via via = version == EVENT_V2 ? EventRecord.Via.values()[in.readByte()] : switch (kind) {
            case ATTRIBUTED -> EventRecord.Via.GIVEN_SESSION;
            case ORPHANED -> EventRecord.Via.NO_RECENT_SESSION;
            case NON_PLAYER -> EventRecord.Via.NO_IDENTITY;
        };
        return new MetricEvent(identityId, sessionId, kind, name, timestamp, via);
    }

    /** DataInput's encoding read straight from the array (no stream, no locks). */
    private static final class Lean {
        private final ByteBuffer in;

        Lean(byte[] bytes) {
            this.in = ByteBuffer.wrap(bytes);
        }

        byte readByte() {
            return in.get();
        }

        int readInt() {
            return in.getInt();
        }

        long readLong() {
            return in.getLong();
        }

        void skip(int n) {
            in.position(in.position() + n);
        }

        void skipUTF() {
            skip(Short.toUnsignedInt(in.getShort()));
        }

        /** Modified UTF-8 as {@link DataInputStream#readUTF()} reads it; ASCII (the usual case) directly. */
        String readUTF() {
            int start = in.position();
            int length = Short.toUnsignedInt(in.getShort());
            byte[] array = in.array();
            int from = start + 2;
            for (int i = from; i < from + length; i++) {
                if (array[i] < 0) {
                    skip(length);
                    try {
                        return new DataInputStream(new ByteArrayInputStream(array, start, 2 + length)).readUTF();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            skip(length);
            return new String(array, from, length, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] bytes, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return reader.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void version(DataInputStream in, byte expected, String what) throws IOException {
        byte version = in.readByte();
        if (version != expected) {
            throw new IOException("unknown " + what + " record version " + version);
        }
    }

    private static void map(DataOutputStream out, Map<String, String> map) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<String, String> entry : map.entrySet()) {
            out.writeUTF(entry.getKey());
            out.writeUTF(entry.getValue());
        }
    }

    private static Map<String, String> map(DataInputStream in) throws IOException {
        int size = in.readInt();
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            map.put(in.readUTF(), in.readUTF());
        }
        return map;
    }
}
