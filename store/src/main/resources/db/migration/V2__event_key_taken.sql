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
