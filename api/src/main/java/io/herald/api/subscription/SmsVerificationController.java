package io.herald.api.subscription;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.herald.api.publish.JsonBodies;
import io.herald.dispatcher.SmsSubscriptions;
import io.herald.store.FieldError;
import io.herald.subscriptions.DeliveryTarget;
import io.herald.subscriptions.InvalidSubscriptionException;
import io.herald.subscriptions.SubscriptionId;
import tools.jackson.databind.JsonNode;

/**
 * {@code /events/api/v1/subscriptions/{id}/verification}: the owner of an SMS subscription confirms
 * the code Herald texted to the number ({@code POST} with {@code {"code": "123456"}}), or asks for a
 * new one ({@code POST …/verification/resend}). Another consumer's subscription answers 404.
 */
@RestController
@RequestMapping(path = SubscriptionController.PATH, produces = MediaType.APPLICATION_JSON_VALUE)
class SmsVerificationController {

    private final SmsSubscriptions sms;
    private final JsonBodies bodies;
    private final Callers callers;

    SmsVerificationController(SmsSubscriptions sms, JsonBodies bodies, Callers callers) {
        this.sms = sms;
        this.bodies = bodies;
        this.callers = callers;
    }

    /** 200 with the subscription, validated; 400 for a wrong code (with the tries left), 409 when no code is open. */
    @PostMapping(path = "/{id}/verification", consumes = MediaType.APPLICATION_JSON_VALUE)
    SubscriptionResponse confirm(@PathVariable("id") String id, HttpServletRequest request, @AuthenticationPrincipal Jwt caller) {
        SubscriptionId subscription = SubscriptionController.parseId(id);
        JsonNode body = bodies.read(request);
        JsonNode code = body.isObject() ? body.get("code") : null;
        if (code == null || !code.isString()) {
            throw new InvalidSubscriptionException(List.of(new FieldError("code", "is required: the 6 digits texted to the number")));
        }
        return sms.confirm(callers.consumer(caller), subscription, code.stringValue())
                .map(verified -> SubscriptionResponse.of(verified, DeliveryTarget.Channel.SMS))
                .orElseThrow(() -> new SubscriptionNotFoundException(subscription));
    }

    /** Whether a new code was texted. */
    public record Resent(boolean codeSent) {
    }

    /** 202 when a new code was sent (the old one is void); 429 with {@code Retry-After} when asked too soon. */
    @PostMapping("/{id}/verification/resend")
    ResponseEntity<Resent> resend(@PathVariable("id") String id, @AuthenticationPrincipal Jwt caller) {
        SubscriptionId subscription = SubscriptionController.parseId(id);
        boolean sent = sms.resend(callers.consumer(caller), subscription)
                .orElseThrow(() -> new SubscriptionNotFoundException(subscription));
        return ResponseEntity.accepted().body(new Resent(sent));
    }
}
