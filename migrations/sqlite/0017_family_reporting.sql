-- A family member (role family) may report absences and changes for a child when the child's full guardian allows
-- it; full guardians always may.
ALTER TABLE guardian_account_child ADD COLUMN may_report INTEGER NOT NULL DEFAULT 0 CHECK (may_report IN (0, 1));
