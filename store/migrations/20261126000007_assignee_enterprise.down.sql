ALTER TABLE cases DROP COLUMN assignee_enterprise;
