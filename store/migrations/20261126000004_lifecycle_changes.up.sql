-- What each approved lifecycle case changed, once: applying a case twice changes nothing.
CREATE TABLE registration_changes (
    case_id         uuid PRIMARY KEY REFERENCES cases (id),
    registration_id uuid REFERENCES registrations (id),
    kind            text NOT NULL,
    before          jsonb NOT NULL DEFAULT '{}',
    after           jsonb NOT NULL DEFAULT '{}',
    at              timestamptz NOT NULL
);
CREATE INDEX registration_changes_registration ON registration_changes (registration_id, at);

-- A case's request, as a fingerprint: a repeated Idempotency-Key must carry the same request.
ALTER TABLE cases ADD COLUMN request_hash text NOT NULL DEFAULT '';
