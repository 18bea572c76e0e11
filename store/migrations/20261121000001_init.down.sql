DROP TABLE IF EXISTS notifications, registration_serials, registrations, evidence, case_events, cases, bad_records, practitioners, enterprises;
DROP FUNCTION IF EXISTS case_events_append_only();
DROP SEQUENCE IF EXISTS case_number_seq;
