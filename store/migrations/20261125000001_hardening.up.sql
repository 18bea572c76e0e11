-- Personal data: nothing stored in plain text may rebuild a resident ID. The masked form and
-- the birth date are derived from the encrypted number when needed.
ALTER TABLE practitioners DROP COLUMN birth_date, DROP COLUMN id_number_masked;

-- Which enterprises a practitioner works for, as the enterprises declared it by registering
-- (or re-registering) the person. An enterprise files cases only for its own people.
CREATE TABLE practitioner_links (
    practitioner_id uuid NOT NULL REFERENCES practitioners (id),
    enterprise_uscc text NOT NULL REFERENCES enterprises (uscc),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (practitioner_id, enterprise_uscc)
);
CREATE INDEX practitioner_links_enterprise ON practitioner_links (enterprise_uscc, practitioner_id);
INSERT INTO practitioner_links (practitioner_id, enterprise_uscc, created_at)
    SELECT id, created_by_enterprise, created_at FROM practitioners WHERE created_by_enterprise IS NOT NULL;
CREATE INDEX registrations_enterprise ON registrations (enterprise_uscc, practitioner_id);
CREATE INDEX practitioners_created ON practitioners (created_at DESC, id DESC);

-- Idempotency keys belong to the whole principal (role, enterprise, province, subject).
ALTER TABLE cases ADD COLUMN filed_by_principal text NOT NULL DEFAULT '';
UPDATE cases SET filed_by_principal = filed_by_role || '|' || filed_by_sub;
ALTER TABLE cases DROP CONSTRAINT cases_filed_by_sub_idempotency_key_key;
CREATE UNIQUE INDEX cases_idempotency ON cases (filed_by_principal, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- The case view's version (ETag), raised by every projection write; the clock the deadline
-- belongs to; and the stuck flag of a case whose activity keeps failing.
ALTER TABLE cases RENAME COLUMN projection_seq TO version;
UPDATE cases SET version = version + 1;
ALTER TABLE cases ALTER COLUMN version SET DEFAULT 1;
ALTER TABLE cases ADD COLUMN sla_clock text NOT NULL DEFAULT '',
    ADD COLUMN stuck boolean NOT NULL DEFAULT false,
    ADD COLUMN stuck_reason text NOT NULL DEFAULT '';
CREATE INDEX cases_stuck ON cases (created_at DESC, id DESC) WHERE stuck;
CREATE INDEX cases_stage_created ON cases (stage, created_at DESC, id DESC);

-- Receipts of actions taken with an Idempotency-Key: the same key gives the same receipt.
CREATE TABLE action_receipts (
    principal   text NOT NULL,
    key         text NOT NULL,
    case_id     uuid NOT NULL REFERENCES cases (id),
    decision_id uuid NOT NULL,
    action      text NOT NULL,
    fingerprint text NOT NULL,
    accepted_at timestamptz NOT NULL,
    PRIMARY KEY (principal, key)
);
