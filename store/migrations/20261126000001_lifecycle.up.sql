-- The registration's whole life: registrations inherited from the system certflow replaces
-- have no case; a registration holds one or more specialties; continuing education is kept
-- course by course; lifecycle cases name the registration they change.

ALTER TABLE registrations ALTER COLUMN case_id DROP NOT NULL;
CREATE INDEX registrations_created ON registrations (created_at DESC, id DESC);
CREATE INDEX registrations_valid_to ON registrations (valid_to, id) WHERE status = 'active';

-- A registration's specialties: the first from its issue, more from additions (增项).
CREATE TABLE registration_specialties (
    registration_id uuid NOT NULL REFERENCES registrations (id),
    specialty       text NOT NULL,
    added_on        date NOT NULL,
    PRIMARY KEY (registration_id, specialty)
);
INSERT INTO registration_specialties (registration_id, specialty, added_on)
    SELECT id, specialty, valid_from FROM registrations;

-- Practitioners created by an import may lack qualification-certificate data.
ALTER TABLE practitioners ALTER COLUMN certificate_no SET DEFAULT '',
    ALTER COLUMN obtained_on DROP NOT NULL;

-- Continuing-education hours (继续教育), one row per completed course.
CREATE TABLE education_records (
    id              bigserial PRIMARY KEY,
    practitioner_id uuid NOT NULL REFERENCES practitioners (id),
    provider        text NOT NULL,
    course          text NOT NULL,
    hours           integer NOT NULL CHECK (hours > 0),
    completed_on    date NOT NULL,
    UNIQUE (practitioner_id, provider, course, completed_on)
);

-- Lifecycle cases: the registration they change, the enterprise a change of employer leaves,
-- the type-specific request (change kind, new name, specialty, cancellation reason), and
-- whether the case was submitted. A registration has at most one submitted open case.
ALTER TABLE cases ALTER COLUMN practitioner_id DROP NOT NULL;
ALTER TABLE cases ADD COLUMN registration_id uuid REFERENCES registrations (id),
    ADD COLUMN previous_enterprise_uscc text REFERENCES enterprises (uscc),
    ADD COLUMN details jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN submitted boolean NOT NULL DEFAULT false;
UPDATE cases SET submitted = true WHERE stage <> 'draft';
CREATE UNIQUE INDEX cases_one_open_per_registration ON cases (registration_id)
    WHERE status = 'open' AND submitted AND registration_id IS NOT NULL;
CREATE INDEX cases_registration ON cases (registration_id, created_at DESC);
CREATE INDEX cases_previous_enterprise ON cases (previous_enterprise_uscc, created_at DESC, id DESC)
    WHERE previous_enterprise_uscc IS NOT NULL;
