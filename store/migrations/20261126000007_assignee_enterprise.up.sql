-- The enterprise a case waits on, when it waits on one: a change of employer waits on the
-- enterprise the person leaves, then on the one they join; both see the case, but only the one
-- it waits on has it in assignee=me and gets its reminders.
ALTER TABLE cases ADD COLUMN assignee_enterprise text NOT NULL DEFAULT '';
UPDATE cases SET assignee_enterprise = enterprise_uscc WHERE assignee_role = 'enterprise' AND status = 'open';
