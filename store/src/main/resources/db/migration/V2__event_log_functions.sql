-- Raised inside the one-statement append when an event's key is stored already, so that the
-- statement (and, in autocommit, its implicit transaction) keeps nothing; Herald then plans the
-- group against the stored keys. SQLSTATE HKEY1 is Herald's own.
CREATE FUNCTION herald_event_key_taken() RETURNS bigint
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'an event key in this append is stored already' USING ERRCODE = 'HKEY1';
END
$$;

-- The log is split into ranges by a stable hash of resource (md5, so the split never changes with
-- the PostgreSQL version); a matcher instance follows the ranges it leases.
CREATE FUNCTION herald_log_range(resource text, ranges int) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (('x' || substr(md5(resource), 1, 8))::bit(32)::bigint % ranges)::int $$;
