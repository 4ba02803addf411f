package io.herald.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Herald: stores CloudEvents, serves them as cursor feeds and pushes them to webhooks. */
@SpringBootApplication(scanBasePackages = "io.herald")
public class HeraldApplication {

    public static void main(String[] args) {
        SpringApplication.run(HeraldApplication.class, args);
    }
}
