DROP TABLE IF EXISTS action_receipts;
DROP INDEX IF EXISTS cases_stuck, cases_stage_created, cases_idempotency, registrations_enterprise, practitioners_created;
ALTER TABLE cases DROP COLUMN IF EXISTS sla_clock, DROP COLUMN IF EXISTS stuck, DROP COLUMN IF EXISTS stuck_reason,
    DROP COLUMN IF EXISTS filed_by_principal;
ALTER TABLE cases RENAME COLUMN version TO projection_seq;
ALTER TABLE cases ADD CONSTRAINT cases_filed_by_sub_idempotency_key_key UNIQUE (filed_by_sub, idempotency_key);
DROP TABLE IF EXISTS practitioner_links;
-- The dropped plain-text columns cannot be restored from the encrypted data by SQL alone.
ALTER TABLE practitioners ADD COLUMN birth_date date, ADD COLUMN id_number_masked text NOT NULL DEFAULT '';
