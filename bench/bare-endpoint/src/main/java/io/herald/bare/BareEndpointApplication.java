package io.herald.bare;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** One endpoint that parses a JSON body into a map and answers a small JSON object: the framework's floor. */
@SpringBootApplication
@RestController
public class BareEndpointApplication {

    public static void main(String[] args) {
        SpringApplication.run(BareEndpointApplication.class, args);
    }

    @Bean
    SecurityFilterChain everyRequestPermitted(HttpSecurity http) throws Exception {
        return http.csrf(csrf -> csrf.disable())
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .build();
    }

    @PostMapping(path = "/echo", consumes = {"application/json", "application/cloudevents+json"}, produces = "application/json")
    Map<String, Object> echo(@RequestBody Map<String, Object> event) {
        return Map.of("source", String.valueOf(event.get("source")), "id", String.valueOf(event.get("id")), "position", "0");
    }
}
