package io.herald.store.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.UUID;

import io.herald.store.Digests;

/**
 * The 16 bytes that stand for an idempotency key {@code (resource, source, id)} in {@code event_key}
 * (migration V53): the first 8 bytes of the SHA-256 of the id, then the first 8 bytes of the SHA-256 of
 * {@code resource NUL source NUL id} (none of them may hold NUL). Leading with the id's own digest lets
 * a feed that resumes after an event id find it by a range of the same index; the whole is 128 bits of
 * SHA-256, so two keys share a digest only by a collision nobody can produce on purpose (docs/adr/0003).
 * An index entry is 16 bytes instead of the three texts' 150–250.
 */
final class KeyDigest {

    private KeyDigest() {
    }

    static UUID of(String resource, String source, String id) {
        MessageDigest sha = Digests.sha256();
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        long idHalf = ByteBuffer.wrap(sha.digest(idBytes)).getLong();
        sha.update(resource.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(source.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(idBytes);
        return new UUID(idHalf, ByteBuffer.wrap(sha.digest()).getLong());
    }

    /** The lowest and the highest digest any key with this id can have: the index range that holds them all. */
    record IdRange(UUID lowest, UUID highest) {
    }

    static IdRange ofId(String id) {
        long idHalf = ByteBuffer.wrap(Digests.sha256().digest(id.getBytes(StandardCharsets.UTF_8))).getLong();
        return new IdRange(new UUID(idHalf, 0L), new UUID(idHalf, -1L));
    }
}
