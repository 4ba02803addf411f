package io.herald.api.database;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a failed database fallback into Boot's "APPLICATION FAILED TO START" report instead of a stack trace. */
class LocalDatabaseFailureAnalyzer extends AbstractFailureAnalyzer<LocalDatabaseUnavailableException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, LocalDatabaseUnavailableException cause) {
        return new FailureAnalysis(cause.description(), LocalDatabaseUnavailableException.ACTION, cause);
    }
}
