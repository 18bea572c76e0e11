-- The tamper-evident audit trail: an append-only audit log of security events, and hash
-- chains over the audit log and over every case timeline.
--
-- Canonical content (the same in Go, package audit): each field as text, written as
-- "<length in bytes>:<text>;" and concatenated in a fixed order. Timestamps are UTC with
-- microseconds ("2026-11-26T08:00:00.123456Z"), ids and uuids as PostgreSQL prints them, a
-- text array as the concatenation of its elements in the same "<length>:<text>;" form.
-- hash = lower-case hex SHA-256 of (prev_hash || content), prev_hash being the hash of the
-- chain's previous row, or 64 zeros for its first. BEFORE INSERT triggers compute them, under
-- a transaction-scoped advisory lock per chain (one per case, one for the audit log) that
-- also draws the row's id, so ids follow the chain's order and concurrent inserts cannot fork it.

CREATE FUNCTION chain_field(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT octet_length(coalesce(v, '')) || ':' || coalesce(v, '') || ';'
$$;

CREATE FUNCTION chain_time(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

CREATE FUNCTION chain_hash(prev text, content text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(prev || content, 'UTF8')), 'hex')
$$;

-- The audit log: who (subject and role, never a name), from where, did what to which target
-- (an id), and the outcome.
CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor      text NOT NULL DEFAULT '',
    actor_role text NOT NULL DEFAULT '',
    address    text NOT NULL DEFAULT '',
    action     text NOT NULL,
    target     text NOT NULL DEFAULT '',
    outcome    text NOT NULL DEFAULT 'success',
    prev_hash  text NOT NULL DEFAULT '',
    hash       text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_actor ON audit_log (actor, id DESC);
CREATE INDEX audit_log_action ON audit_log (action, id DESC);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE FUNCTION audit_log_content(r audit_log) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT chain_field(r.id::text) || chain_field(chain_time(r.at)) || chain_field(r.actor) ||
        chain_field(r.actor_role) || chain_field(r.address) || chain_field(r.action) ||
        chain_field(r.target) || chain_field(r.outcome)
$$;

CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(8008, 0);
    NEW.id := nextval(pg_get_serial_sequence('audit_log', 'id'));
    SELECT a.hash INTO NEW.prev_hash FROM audit_log a ORDER BY a.id DESC LIMIT 1;
    NEW.prev_hash := coalesce(NEW.prev_hash, repeat('0', 64));
    NEW.hash := chain_hash(NEW.prev_hash, audit_log_content(NEW));
    RETURN NEW;
END $$;
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_chain();

-- Case timelines: one chain per case.
ALTER TABLE case_events ADD COLUMN prev_hash text NOT NULL DEFAULT '',
    ADD COLUMN hash text NOT NULL DEFAULT '';
CREATE INDEX case_events_chain ON case_events (case_id, id);

CREATE FUNCTION case_event_content(r case_events) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT chain_field(r.id::text) || chain_field(r.case_id::text) || chain_field(r.key) ||
        chain_field(r.actor_sub) || chain_field(r.actor_role) || chain_field(r.action) ||
        chain_field(r.from_stage) || chain_field(r.to_stage) || chain_field(r.comment) ||
        chain_field(coalesce((SELECT string_agg(chain_field(e), '' ORDER BY o)
            FROM unnest(r.evidence_ids) WITH ORDINALITY AS u (e, o)), '')) ||
        chain_field(chain_time(r.at))
$$;

-- Existing timelines, chained in id order (the append-only trigger paused for the backfill).
ALTER TABLE case_events DISABLE TRIGGER case_events_no_update;
DO $$
DECLARE
    r    case_events;
    prev text;
    cur  uuid;
BEGIN
    FOR r IN SELECT * FROM case_events ORDER BY case_id, id LOOP
        IF cur IS DISTINCT FROM r.case_id THEN
            prev := repeat('0', 64);
            cur := r.case_id;
        END IF;
        UPDATE case_events SET prev_hash = prev, hash = chain_hash(prev, case_event_content(r))
            WHERE id = r.id RETURNING hash INTO prev;
    END LOOP;
END $$;
ALTER TABLE case_events ENABLE TRIGGER case_events_no_update;

CREATE FUNCTION case_events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(8009, hashtext(NEW.case_id::text));
    NEW.id := nextval(pg_get_serial_sequence('case_events', 'id'));
    SELECT x.hash INTO NEW.prev_hash FROM case_events x WHERE x.case_id = NEW.case_id ORDER BY x.id DESC LIMIT 1;
    NEW.prev_hash := coalesce(NEW.prev_hash, repeat('0', 64));
    NEW.hash := chain_hash(NEW.prev_hash, case_event_content(NEW));
    RETURN NEW;
END $$;
CREATE TRIGGER case_events_chain BEFORE INSERT ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_events_chain();

-- Evidence: the object version the bucket's retention locks.
ALTER TABLE evidence ADD COLUMN version_id text NOT NULL DEFAULT '';
