package io.herald.store;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A background worker's loop: run a round, and when it found nothing to do, wait for the poll
 * interval or a {@link #wakeUp()}, whichever comes first. A failed round never ends the loop: it is
 * retried after a back-off that doubles with each failure in a row (from the poll interval up to
 * {@link #MAX_BACK_OFF}), logged with its stack trace the first time, then one line at most once a
 * minute, and the recovery is logged too — a database that is down is neither hammered nor hidden.
 */
public final class WorkLoop {

    private static final Logger log = LoggerFactory.getLogger(WorkLoop.class);
    /** The longest wait between failed rounds. */
    static final Duration MAX_BACK_OFF = Duration.ofSeconds(5);
    private static final long REPEAT_LOG_MILLIS = 60_000;

    private final String name;
    private final Duration pollInterval;
    private final IntSupplier round;
    private final Semaphore wakeUp = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;

    /** @param round does one round of work and returns how much it did (0: nothing to do) */
    public WorkLoop(String name, Duration pollInterval, IntSupplier round) {
        this.name = name;
        this.pollInterval = pollInterval;
        this.round = round;
    }

    public synchronized void start() {
        running = true;
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks for the next round now rather than after the poll interval. */
    public void wakeUp() {
        wakeUp.release();
    }

    /**
     * Stops after the round in progress (ending a wait at once) and waits up to {@code timeout} for
     * it. The round itself is never interrupted: an interrupt in the middle of one (a connection
     * wait, say) could leave work it had claimed unfinished until its lease ran out.
     */
    public synchronized void stop(Duration timeout) {
        running = false;
        wakeUp.release();
        if (thread != null) {
            try {
                thread.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public boolean isRunning() {
        return running;
    }

    /** Failed rounds in a row: the back-off grows with it. */
    public int failuresInARow() {
        return failures;
    }

    private volatile int failures;
    private long lastLogged;

    private void run() {
        while (running) {
            int done;
            long wait = pollInterval.toMillis();
            try {
                done = round.getAsInt();
                if (failures > 0) {
                    log.info("{}: working again after {} failed rounds", name, failures);
                    failures = 0;
                }
            } catch (RuntimeException e) {
                failures++;
                wait = backOff(failures);
                long now = System.currentTimeMillis();
                if (failures == 1) {
                    log.warn("{}: a round failed; trying again in {} ms", name, wait, e);
                    lastLogged = now;
                } else if (now - lastLogged >= REPEAT_LOG_MILLIS) {
                    log.warn("{}: {} rounds in a row failed, the last with {}; trying again in {} ms", name, failures, e.toString(), wait);
                    lastLogged = now;
                }
                done = 0;
            }
            if (done == 0) {
                try {
                    // a failed round waits its whole back-off: a wake-up must not turn it into a spin
                    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait);
                    boolean woken = wakeUp.tryAcquire(wait, TimeUnit.MILLISECONDS);
                    while (woken && failures > 0 && running) {
                        long left = until - System.nanoTime();
                        woken = left > 0 && wakeUp.tryAcquire(left, TimeUnit.NANOSECONDS);
                    }
                    wakeUp.drainPermits();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private long backOff(int failuresInARow) {
        long base = Math.max(1, pollInterval.toMillis());
        long max = Math.max(base, MAX_BACK_OFF.toMillis());
        return Math.min(max, base << Math.min(20, failuresInARow - 1));
    }
}
