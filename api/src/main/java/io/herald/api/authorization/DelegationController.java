package io.herald.api.authorization;

import java.net.URI;
import java.util.List;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import io.herald.api.problem.BadRequestException;
import io.herald.api.problem.NotFoundException;
import io.herald.subscriptions.access.AccessPolicy;
import io.herald.subscriptions.access.Delegation;
import io.herald.subscriptions.access.DelegationStore;

/**
 * {@code /events/api/v1/authorization/delegations}: the built-in store of who may read whose
 * events, for a standalone deployment (the admin scope only). A change is seen by this instance at
 * once and by the others within {@code herald.authorization.cache-lifetime}.
 */
@RestController
@RequestMapping(path = DelegationController.PATH, produces = MediaType.APPLICATION_JSON_VALUE)
public class DelegationController {

    public static final String PATH = "/events/api/v1/authorization/delegations";
    private static final int MAX_LISTED = 1000;

    /** A new delegation: {@code party} lets {@code grantee} read its events of {@code resource} (all when left out). */
    public record NewDelegation(String party, String grantee, String resource) {
    }

    private final DelegationStore delegations;
    private final AccessPolicy access;

    DelegationController(DelegationStore delegations, AccessPolicy access) {
        this.delegations = delegations;
        this.access = access;
    }

    /** 201 with the delegation (the same one again when it exists already). */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Delegation> grant(@RequestBody NewDelegation request) {
        Delegation delegation = delegations.grant(request.party(), request.grantee(), request.resource());
        access.forgetDecisions();
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{id}").buildAndExpand(delegation.id()).toUri();
        return ResponseEntity.created(location).body(delegation);
    }

    /** The delegations a party gave or a grantee received, oldest first (at most 1000). */
    @GetMapping
    List<Delegation> list(@RequestParam(required = false) String party, @RequestParam(required = false) String grantee) {
        return delegations.list(party, grantee, MAX_LISTED);
    }

    @GetMapping("/{id}")
    Delegation get(@PathVariable String id) {
        long number = id(id);
        return delegations.find(number).orElseThrow(() -> new NotFoundException("no delegation " + number));
    }

    /** 204: reads and pushes stop at once on this instance, on others within the cache lifetime. */
    @DeleteMapping("/{id}")
    ResponseEntity<Void> revoke(@PathVariable String id) {
        long number = id(id);
        if (!delegations.revoke(number)) {
            throw new NotFoundException("no delegation " + number);
        }
        access.forgetDecisions();
        return ResponseEntity.noContent().build();
    }

    private static long id(String text) {
        try {
            long id = Long.parseLong(text);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        throw BadRequestException.invalidParameter("id", "must be a delegation id (a positive number) but was '" + shown + "'");
    }
}
