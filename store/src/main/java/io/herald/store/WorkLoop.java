package io.herald.store;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A background worker's loop: run a round, and when it found nothing to do, wait for the poll
 * interval or a {@link #wakeUp()}, whichever comes first. A failed round is logged and retried
 * after the interval; it never ends the loop.
 */
public final class WorkLoop {

    private static final Logger log = LoggerFactory.getLogger(WorkLoop.class);

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

    private void run() {
        while (running) {
            int done;
            try {
                done = round.getAsInt();
            } catch (RuntimeException e) {
                log.warn("{}: a round failed; trying again in {}", name, pollInterval, e);
                done = 0;
            }
            if (done == 0) {
                try {
                    wakeUp.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                    wakeUp.drainPermits();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
