CREATE TABLE enterprises (
    uscc                text PRIMARY KEY,
    name                text NOT NULL,
    province_code       text NOT NULL,
    qualification       text NOT NULL,
    qualification_valid boolean NOT NULL DEFAULT true,
    created_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE practitioners (
    id                    uuid PRIMARY KEY,
    id_number_enc         bytea NOT NULL,
    id_number_index       text NOT NULL UNIQUE,
    id_number_masked      text NOT NULL,
    name                  text NOT NULL,
    phone_enc             bytea,
    phone_masked          text NOT NULL DEFAULT '',
    birth_date            date NOT NULL,
    level                 smallint NOT NULL CHECK (level IN (1, 2)),
    specialty             text NOT NULL,
    certificate_no        text NOT NULL,
    obtained_on           date NOT NULL,
    education_hours       integer NOT NULL DEFAULT 0 CHECK (education_hours >= 0),
    created_by_enterprise text REFERENCES enterprises (uscc),
    created_by            text NOT NULL,
    created_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX practitioners_enterprise ON practitioners (created_by_enterprise);

-- Blocking bad records (revocation, accident, sentence) that refuse a registration until a date.
CREATE TABLE bad_records (
    id              bigserial PRIMARY KEY,
    practitioner_id uuid NOT NULL REFERENCES practitioners (id),
    rule            text NOT NULL,
    reason          text NOT NULL,
    blocks_until    date NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bad_records_practitioner ON bad_records (practitioner_id);

CREATE SEQUENCE case_number_seq;

CREATE TABLE cases (
    id                  uuid PRIMARY KEY,
    number              text NOT NULL UNIQUE,
    type                text NOT NULL,
    stage               text NOT NULL,
    status              text NOT NULL,
    level               smallint NOT NULL,
    specialty           text NOT NULL,
    enterprise_uscc     text NOT NULL REFERENCES enterprises (uscc),
    practitioner_id     uuid NOT NULL REFERENCES practitioners (id),
    province            text NOT NULL,
    filed_by_role       text NOT NULL,
    filed_by_sub        text NOT NULL,
    idempotency_key     text,
    assignee_role       text NOT NULL DEFAULT '',
    assignee_sub        text NOT NULL DEFAULT '',
    sla_due_at          timestamptz,
    sla_paused          boolean NOT NULL DEFAULT false,
    sla_breached        boolean NOT NULL DEFAULT false,
    provincial_reviewer text NOT NULL DEFAULT '',
    extended            boolean NOT NULL DEFAULT false,
    projection_seq      integer NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (filed_by_sub, idempotency_key)
);
CREATE INDEX cases_created ON cases (created_at DESC, id DESC);
CREATE INDEX cases_province_created ON cases (province, created_at DESC, id DESC);
CREATE INDEX cases_enterprise_created ON cases (enterprise_uscc, created_at DESC, id DESC);
CREATE INDEX cases_practitioner ON cases (practitioner_id);
CREATE INDEX cases_open_due ON cases (sla_due_at) WHERE status = 'open';

-- The timeline: append-only, enforced by the database.
CREATE TABLE case_events (
    id           bigserial PRIMARY KEY,
    case_id      uuid NOT NULL REFERENCES cases (id),
    key          text NOT NULL,
    actor_sub    text NOT NULL,
    actor_role   text NOT NULL DEFAULT '',
    action       text NOT NULL,
    from_stage   text NOT NULL DEFAULT '',
    to_stage     text NOT NULL DEFAULT '',
    comment      text NOT NULL DEFAULT '',
    evidence_ids text[] NOT NULL DEFAULT '{}',
    at           timestamptz NOT NULL,
    UNIQUE (case_id, key)
);

CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_events is append-only';
END $$;
CREATE TRIGGER case_events_no_update BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();

CREATE TABLE evidence (
    id            uuid PRIMARY KEY,
    case_id       uuid NOT NULL REFERENCES cases (id),
    kind          text NOT NULL,
    object_key    text NOT NULL UNIQUE,
    sha256        text NOT NULL,
    size          bigint NOT NULL,
    content_type  text NOT NULL,
    filename      text NOT NULL DEFAULT '',
    uploaded_by   text NOT NULL,
    uploaded_role text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evidence_case ON evidence (case_id, created_at);

CREATE TABLE registrations (
    id              uuid PRIMARY KEY,
    number          text NOT NULL UNIQUE,
    case_id         uuid NOT NULL UNIQUE REFERENCES cases (id),
    practitioner_id uuid NOT NULL REFERENCES practitioners (id),
    enterprise_uscc text NOT NULL REFERENCES enterprises (uscc),
    level           smallint NOT NULL,
    specialty       text NOT NULL,
    valid_from      date NOT NULL,
    valid_to        date NOT NULL,
    status          text NOT NULL CHECK (status IN ('active', 'expired', 'cancelled')),
    created_at      timestamptz NOT NULL DEFAULT now()
);
-- At most one active registration per practitioner, enforced by the database itself.
CREATE UNIQUE INDEX registrations_one_active ON registrations (practitioner_id) WHERE status = 'active';

-- Provincial serials for registration numbers.
CREATE TABLE registration_serials (
    province text NOT NULL,
    year     integer NOT NULL,
    last     integer NOT NULL,
    PRIMARY KEY (province, year)
);

CREATE TABLE notifications (
    id      bigserial PRIMARY KEY,
    case_id uuid NOT NULL REFERENCES cases (id),
    key     text NOT NULL,
    kind    text NOT NULL,
    role    text NOT NULL,
    subject text NOT NULL DEFAULT '',
    message text NOT NULL,
    at      timestamptz NOT NULL,
    UNIQUE (case_id, key)
);
