-- Issue 6, authorization. See docs/adr/0008-authorization.md.

-- The built-in decision point: party X lets grantee Y read its events, of one resource or (resource
-- NULL) of all. Parties and grantees are written as Herald writes identities: /person/{number},
-- /org/{number}, /party/{id} for parties; a subscription consumer (/org/{agency}, /person/{number},
-- /organisation/{number}) for grantees.
CREATE TABLE access_delegation (
    id         bigserial   PRIMARY KEY,
    party      text        NOT NULL,
    grantee    text        NOT NULL,
    resource   text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX access_delegation_unique ON access_delegation (party, grantee, coalesce(resource, ''));
CREATE INDEX access_delegation_grantee ON access_delegation (grantee, party);

-- The delegated app scope (altinn:events/{org}/{app}) that let the owner subscribe to another
-- agency's app, recorded at creation so that the matcher can honour it without the token.
ALTER TABLE subscription ADD COLUMN granted_scope text;
