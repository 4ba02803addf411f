package io.herald.dispatcher.internal;

import java.time.Duration;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * How many texts each number got in its current window, in PostgreSQL (table {@code sms_rate}, by
 * the number's keyed hash): so the cap holds across instances and restarts. A window starts with a
 * number's first text and lasts {@code window}; within it at most {@code perWindow} texts are
 * admitted, the rest counted as folded. {@link SmsDigests} sends the folded count as one digest
 * once the window has ended, which starts the next window.
 */
final class SmsRates {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final int perWindow;
    private final Duration window;

    SmsRates(JdbcTemplate jdbc, TransactionTemplate transactions, int perWindow, Duration window) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.perWindow = perWindow;
        this.window = window;
    }

    /** Counts one text to the number: true when it may be sent, false when it is folded into the digest. */
    boolean admit(byte[] numberHash) {
        Boolean admitted = transactions.execute(status -> {
            jdbc.update("INSERT INTO sms_rate (phone_hash, window_start, sent, folded) VALUES (?, now(), 0, 0) "
                    + "ON CONFLICT (phone_hash) DO NOTHING", numberHash);
            return jdbc.queryForObject("""
                    UPDATE sms_rate SET
                        window_start = CASE WHEN ended AND folded = 0 THEN now() ELSE window_start END,
                        sent = CASE WHEN ended AND folded = 0 THEN 1 WHEN NOT ended AND sent < ? THEN sent + 1 ELSE sent END,
                        folded = CASE WHEN (ended AND folded = 0) OR (NOT ended AND sent < ?) THEN folded ELSE folded + 1 END
                    FROM (SELECT window_start + ? * interval '1 millisecond' <= now() AS ended, sent AS before_sent,
                                 folded AS before_folded
                          FROM sms_rate WHERE phone_hash = ? FOR UPDATE) AS current
                    WHERE phone_hash = ?
                    RETURNING (current.ended AND current.before_folded = 0) OR (NOT current.ended AND current.before_sent < ?)
                    """, Boolean.class, perWindow, perWindow, window.toMillis(), numberHash, numberHash, perWindow);
        });
        return Boolean.TRUE.equals(admitted);
    }
}
