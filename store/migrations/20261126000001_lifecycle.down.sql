DROP INDEX cases_previous_enterprise;
DROP INDEX cases_registration;
DROP INDEX cases_one_open_per_registration;
ALTER TABLE cases DROP COLUMN submitted, DROP COLUMN details, DROP COLUMN previous_enterprise_uscc,
    DROP COLUMN registration_id;
DROP TABLE education_records;
DROP TABLE registration_specialties;
DROP INDEX registrations_valid_to;
DROP INDEX registrations_created;
