package io.herald.dispatcher.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import io.herald.dispatcher.DeliveryOutcome;
import io.herald.subscriptions.PhoneNumbers;
import io.herald.subscriptions.SubscriptionService;

/**
 * Sends the digests of numbers whose window has ended with texts folded ({@link SmsRates}): one
 * text each ("and K more events"), which starts the number's next window. The rows are locked while
 * their digest is sent, so each is sent by one instance; a digest the gateway did not take is tried
 * again at the next check (one refused for good, or a number with no active subscription left, is
 * dropped). The state is in PostgreSQL, so a restart loses no digest.
 */
final class SmsDigests implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SmsDigests.class);
    private static final int BATCH = 20;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final SubscriptionService subscriptions;
    private final SmsSender sender;
    private final SmsMessages messages;
    private final Duration window;
    private final Duration interval;
    private ScheduledExecutorService timer;

    SmsDigests(JdbcTemplate jdbc, TransactionTemplate transactions, SubscriptionService subscriptions, SmsSender sender,
            SmsMessages messages, Duration window, Duration interval) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.subscriptions = subscriptions;
        this.sender = sender;
        this.messages = messages;
        this.window = window;
        this.interval = interval;
    }

    /** Sends the digests that are due; returns how many went out. */
    int sendDue() {
        // numbers whose window ended long ago with nothing folded start afresh anyway: forget them
        jdbc.update("DELETE FROM sms_rate WHERE folded = 0 AND window_start + ? * interval '1 millisecond' <= now()",
                window.toMillis() * 2);
        Integer sent = transactions.execute(status -> {
            record Due(byte[] hash, int folded) {
            }
            List<Due> due = jdbc.query("SELECT phone_hash, folded FROM sms_rate WHERE folded > 0 "
                    + "AND window_start + ? * interval '1 millisecond' <= now() ORDER BY window_start LIMIT ? FOR UPDATE SKIP LOCKED",
                    (row, n) -> new Due(row.getBytes(1), row.getInt(2)), window.toMillis(), BATCH);
            int count = 0;
            for (Due one : due) {
                var number = subscriptions.activeSmsSubscription(one.hash()).flatMap(subscriptions::smsPhoneNumber);
                if (number.isEmpty()) {
                    jdbc.update("UPDATE sms_rate SET folded = 0 WHERE phone_hash = ?", (Object) one.hash());
                    continue;
                }
                DeliveryOutcome outcome = sender.send(number.get(), messages.digest(one.folded()));
                if (outcome instanceof DeliveryOutcome.Delivered) {
                    jdbc.update("UPDATE sms_rate SET window_start = now(), sent = 1, folded = 0 WHERE phone_hash = ?",
                            (Object) one.hash());
                    count++;
                } else if (outcome instanceof DeliveryOutcome.Rejected || outcome instanceof DeliveryOutcome.Gone) {
                    jdbc.update("UPDATE sms_rate SET folded = 0 WHERE phone_hash = ?", (Object) one.hash());
                    log.warn("The digest to {} was refused by the gateway and dropped: {}", PhoneNumbers.mask(number.get()),
                            outcome.summary());
                } else {
                    log.warn("The digest to {} could not be sent ({}); tried again in {}", PhoneNumbers.mask(number.get()),
                            outcome.summary(), interval);
                }
            }
            return count;
        });
        return sent == null ? 0 : sent;
    }

    private void tick() {
        try {
            sendDue();
        } catch (RuntimeException e) {
            log.warn("Could not send SMS digests now: {}", e.toString());
        }
    }

    @Override
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "herald-sms-digests");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }
}
