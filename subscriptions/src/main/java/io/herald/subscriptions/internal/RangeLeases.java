package io.herald.subscriptions.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import io.herald.store.EventPosition;
import io.herald.store.LogRange;

/**
 * The log's ranges, leased to matcher instances through the {@code matcher_lease} table: each
 * instance renews what it holds, takes free or expired ranges up to its fair share of the live
 * instances, and gives back what it holds beyond it. An instance that stops renewing loses its
 * ranges once its leases expire; another takes them over from their checkpoints. Database time
 * ({@code now()}) is the only clock, so instances need not agree on theirs.
 */
public final class RangeLeases {

    private static final Logger log = LoggerFactory.getLogger(RangeLeases.class);

    private final JdbcTemplate jdbc;
    private final String instance;
    private final Duration leaseDuration;
    private final int ranges;
    /** Ranges held, with the checkpoint each was taken at (kept current by the matcher). */
    private final Map<Integer, EventPosition> held = new ConcurrentHashMap<>();

    public RangeLeases(JdbcTemplate jdbc, String instance, Duration leaseDuration, int configuredRanges) {
        this.jdbc = jdbc;
        this.instance = instance;
        this.leaseDuration = leaseDuration;
        this.ranges = createRanges(configuredRanges);
    }

    /** The ranges exist once per database; a later change of the configured count is ignored, with a warning. */
    private int createRanges(int configured) {
        jdbc.update("INSERT INTO matcher_lease (range_id, ranges) SELECT g, ? FROM generate_series(0, ? - 1) g "
                + "WHERE NOT EXISTS (SELECT 1 FROM matcher_lease) ON CONFLICT DO NOTHING", configured, configured);
        int existing = jdbc.queryForObject("SELECT min(ranges) FROM matcher_lease", Integer.class);
        if (existing != configured) {
            log.warn("The log is split into {} ranges in this database; herald.subscriptions.matcher.ranges={} is ignored",
                    existing, configured);
        }
        return existing;
    }

    public String instance() {
        return instance;
    }

    public int ranges() {
        return ranges;
    }

    /** The ranges this instance holds now, with their checkpoints. */
    public Map<Integer, EventPosition> held() {
        return Map.copyOf(held);
    }

    public LogRange range(int index) {
        return new LogRange(index, ranges);
    }

    /** Renews, balances and takes over: run every third of the lease duration. */
    public void heartbeat() {
        String ttl = leaseDuration.toMillis() + " milliseconds";
        jdbc.update("INSERT INTO matcher_instance (id, heartbeat_at) VALUES (?, now()) "
                + "ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()", instance);
        Map<Integer, EventPosition> renewed = new java.util.HashMap<>();
        jdbc.query("UPDATE matcher_lease SET expires_at = now() + ?::interval "
                + "WHERE owner = ? AND expires_at > now() RETURNING range_id, checkpoint_tx, checkpoint_seq",
                row -> {
                    renewed.put(row.getInt(1), new EventPosition(row.getLong(2), row.getLong(3)));
                }, ttl, instance);
        held.keySet().retainAll(renewed.keySet());
        // a range this instance still owns but dropped (its fence failed, say after a commit whose answer
        // was lost as the database went down) is taken up again from the checkpoint stored: renewing it
        // without matching it would hold its events back for ever
        renewed.forEach((range, checkpoint) -> {
            if (held.putIfAbsent(range, checkpoint) == null) {
                log.info("Matcher {} resumes log range {}/{} at {}", instance, range, ranges, checkpoint);
            }
        });
        int live = jdbc.queryForObject("SELECT count(*) FROM matcher_instance WHERE heartbeat_at > now() - ?::interval",
                Integer.class, ttl);
        int fairShare = (ranges + Math.max(live, 1) - 1) / Math.max(live, 1);
        if (held.size() < fairShare) {
            jdbc.query("""
                    UPDATE matcher_lease SET owner = ?, expires_at = now() + ?::interval
                    WHERE range_id IN (SELECT range_id FROM matcher_lease
                                       WHERE owner IS NULL OR expires_at <= now()
                                       ORDER BY range_id LIMIT ? FOR UPDATE SKIP LOCKED)
                    RETURNING range_id, checkpoint_tx, checkpoint_seq
                    """, row -> {
                int range = row.getInt(1);
                held.put(range, new EventPosition(row.getLong(2), row.getLong(3)));
                log.info("Matcher {} took log range {}/{} at {}", instance, range, ranges, held.get(range));
            }, instance, ttl, fairShare - held.size());
        } else if (held.size() > fairShare) {
            List<Integer> extra = held.keySet().stream().sorted().skip(fairShare).toList();
            for (int range : extra) {
                release(range);
            }
        }
        jdbc.update("DELETE FROM matcher_instance WHERE heartbeat_at < now() - ?::interval * 10", ttl);
    }

    /** Records the new checkpoint of a range this instance matched up to. */
    public void advanced(int range, EventPosition checkpoint) {
        held.computeIfPresent(range, (r, old) -> checkpoint);
    }

    /** Drops a range this instance found it no longer owns. */
    public void lost(int range) {
        if (held.remove(range) != null) {
            log.info("Matcher {} lost log range {}/{} to another instance", instance, range, ranges);
        }
    }

    private void release(int range) {
        held.remove(range);
        jdbc.update("UPDATE matcher_lease SET owner = NULL, expires_at = '-infinity' WHERE range_id = ? AND owner = ?",
                range, instance);
        log.info("Matcher {} gave back log range {}/{} to balance the load", instance, range, ranges);
    }

    /** Gives back every range at once (a graceful stop), so others need not wait for the leases to expire. */
    public void releaseAll() {
        held.clear();
        jdbc.update("UPDATE matcher_lease SET owner = NULL, expires_at = '-infinity' WHERE owner = ?", instance);
        jdbc.update("DELETE FROM matcher_instance WHERE id = ?", instance);
    }
}
