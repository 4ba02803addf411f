package io.herald.api.database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.context.ApplicationListener;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Stops the embedded PostgreSQL once nothing can use it any more. Not on {@code ContextClosedEvent}:
 * that comes first in a close, while the dispatcher and the connection pool are still shutting down.
 */
final class EmbeddedPostgresShutdown implements ApplicationListener<SpringApplicationEvent> {

    private static final String BEAN_NAME = "heraldEmbeddedPostgresShutdown";

    private final AtomicReference<EmbeddedPostgres> running;

    EmbeddedPostgresShutdown(EmbeddedPostgres postgres) {
        this.running = new AtomicReference<>(postgres);
        // On JVM exit Boot runs these after closing its contexts. The handler stays registered after an
        // earlier stop (removing it is refused during shutdown), but then holds nothing.
        SpringApplication.getShutdownHandlers().add(this::stop);
    }

    @Override
    public void onApplicationEvent(SpringApplicationEvent event) {
        if (event instanceof ApplicationPreparedEvent prepared
                && prepared.getApplicationContext().getBeanFactory() instanceof DefaultSingletonBeanRegistry beans) {
            // Registered before any bean exists; beans are destroyed in reverse, so this goes last
            beans.registerDisposableBean(BEAN_NAME, this::stop);
        }
        else if (event instanceof ApplicationFailedEvent) {
            stop();
        }
    }

    /** Stops the server if it still runs; its data stays. */
    void stop() {
        EmbeddedPostgres postgres = running.getAndSet(null);
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop the embedded PostgreSQL", e);
        }
    }
}
