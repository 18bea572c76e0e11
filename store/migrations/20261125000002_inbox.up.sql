-- The notification inbox: who read which notification, and the kinds as the inbox names them.
CREATE TABLE notification_reads (
    notification_id bigint NOT NULL REFERENCES notifications (id),
    principal       text NOT NULL,
    read_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (notification_id, principal)
);
UPDATE notifications SET kind = 'sla_reminder' WHERE kind = 'reminder';
UPDATE notifications SET kind = 'sla_escalation' WHERE kind = 'escalation';
CREATE INDEX notifications_role_at ON notifications (role, at DESC, id DESC);
