DELETE FROM notification_reads WHERE notification_id IN (SELECT id FROM notifications WHERE case_id IS NULL);
DELETE FROM notifications WHERE case_id IS NULL;
DROP INDEX notifications_enterprise;
DROP INDEX notifications_practitioner;
DROP INDEX notifications_registration_key;
ALTER TABLE notifications DROP CONSTRAINT notifications_about,
    DROP COLUMN enterprise_uscc, DROP COLUMN practitioner_id, DROP COLUMN registration_id,
    ALTER COLUMN case_id SET NOT NULL;
DROP TABLE expiry_reminders;
DROP TABLE sweeps;
