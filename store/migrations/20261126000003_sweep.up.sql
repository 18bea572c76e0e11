-- The expiry sweep: a daily run over the active registrations that reminds the holder and the
-- enterprise 90, 30 and 7 days before valid_to (once per registration, window and validity
-- period) and expires the lapsed ones. Notifications may now be about a registration instead
-- of a case, addressed to the practitioner (role applicant) or the enterprise (role enterprise).

CREATE TABLE sweeps (
    id              uuid PRIMARY KEY,
    as_of           date NOT NULL,
    status          text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
    trigger         text NOT NULL CHECK (trigger IN ('schedule', 'api')),
    scanned         bigint NOT NULL DEFAULT 0,
    reminders_90    bigint NOT NULL DEFAULT 0,
    reminders_30    bigint NOT NULL DEFAULT 0,
    reminders_7     bigint NOT NULL DEFAULT 0,
    expired         bigint NOT NULL DEFAULT 0,
    -- The keyset position (valid_to, id) after the last page applied; NULL before the first.
    cursor_valid_to date,
    cursor_id       uuid,
    pages           integer NOT NULL DEFAULT 0,
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz
);
CREATE INDEX sweeps_started ON sweeps (started_at DESC);

-- One reminder per registration, window and validity period (a renewed registration, with a
-- new valid_to, is reminded again). sent_at is NULL until the notifier took it.
CREATE TABLE expiry_reminders (
    registration_id uuid NOT NULL REFERENCES registrations (id),
    window_days     smallint NOT NULL CHECK (window_days IN (90, 30, 7)),
    valid_to        date NOT NULL,
    sweep_id        uuid NOT NULL REFERENCES sweeps (id),
    sent_at         timestamptz,
    PRIMARY KEY (registration_id, window_days, valid_to)
);
CREATE INDEX expiry_reminders_unsent ON expiry_reminders (sweep_id) WHERE sent_at IS NULL;

ALTER TABLE notifications ALTER COLUMN case_id DROP NOT NULL,
    ADD COLUMN registration_id uuid REFERENCES registrations (id),
    ADD COLUMN practitioner_id uuid REFERENCES practitioners (id),
    ADD COLUMN enterprise_uscc text REFERENCES enterprises (uscc),
    ADD CONSTRAINT notifications_about CHECK (case_id IS NOT NULL OR registration_id IS NOT NULL);
CREATE UNIQUE INDEX notifications_registration_key ON notifications (registration_id, key)
    WHERE registration_id IS NOT NULL;
CREATE INDEX notifications_practitioner ON notifications (practitioner_id, at DESC, id DESC)
    WHERE practitioner_id IS NOT NULL;
CREATE INDEX notifications_enterprise ON notifications (enterprise_uscc, at DESC, id DESC)
    WHERE enterprise_uscc IS NOT NULL;
