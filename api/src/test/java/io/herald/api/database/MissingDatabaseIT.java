package io.herald.api.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.herald.api.HeraldApplication;
import io.herald.store.TestDatabases;

/** An explicit database URL naming a database that does not exist: a short, clear report, no stack trace. */
@ExtendWith(OutputCaptureExtension.class)
class MissingDatabaseIT {

    @Test
    void shouldReportADatabaseThatDoesNotExistInAFewLinesInsteadOfAStackTrace(CapturedOutput output) {
        String missing = TestDatabases.PREFIX + "herald_no_such_database";

        assertThatThrownBy(() -> SpringApplication.run(HeraldApplication.class,
                "--spring.profiles.active=local", "--server.port=0", "--herald.local-database.enabled=false",
                "--spring.datasource.url=" + TestDatabases.SERVER + missing,
                "--spring.datasource.username=" + TestDatabases.USER)).isInstanceOf(RuntimeException.class);

        String report = output.getAll().substring(output.getAll().indexOf("APPLICATION FAILED TO START"));
        assertThat(report).contains("database \"" + missing + "\" does not exist")
                .contains("spring.datasource.url")
                .contains("CREATE DATABASE");
        assertThat(output.getAll()).doesNotContain("\tat org.flywaydb").doesNotContain("\tat com.zaxxer");
        assertThat(report.lines().count()).as(report).isLessThan(20);
    }
}
