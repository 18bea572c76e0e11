DROP INDEX IF EXISTS notifications_role_at;
UPDATE notifications SET kind = 'reminder' WHERE kind = 'sla_reminder';
UPDATE notifications SET kind = 'escalation' WHERE kind = 'sla_escalation';
DROP TABLE IF EXISTS notification_reads;
