ALTER TABLE cases DROP COLUMN request_hash;
DROP TABLE registration_changes;
