-- Attendance plans, absence and change contact, the site's day (closures, dismissal times, thresholds), pick-up
-- persons and the alerts raised when an expected child is missing.

-- The site's rules for plans and alerts. A guardian changes a day's plan freely until plan_deadline_days_before
-- days ahead at plan_deadline_time (Tokyo); after that a change is a request that staff see flagged.
-- A planned child with no entry late_after_minutes past dismissal is missing; notify_guardians_on_alert plans a
-- notice to the family. plan_reminder_day: the day of the month that guardians without next month's plans are
-- reminded (0: never).
ALTER TABLE site ADD COLUMN plan_deadline_days_before INTEGER NOT NULL DEFAULT 1 CHECK (plan_deadline_days_before BETWEEN 0 AND 31);
ALTER TABLE site ADD COLUMN plan_deadline_time TEXT NOT NULL DEFAULT '17:00';
ALTER TABLE site ADD COLUMN late_after_minutes INTEGER NOT NULL DEFAULT 30 CHECK (late_after_minutes BETWEEN 0 AND 240);
ALTER TABLE site ADD COLUMN notify_guardians_on_alert INTEGER NOT NULL DEFAULT 1 CHECK (notify_guardians_on_alert IN (0, 1));
ALTER TABLE site ADD COLUMN plan_reminder_day INTEGER NOT NULL DEFAULT 20 CHECK (plan_reminder_day BETWEEN 0 AND 28);

-- A day the site is closed (a holiday, an event): nobody is expected, plans for it are refused.
CREATE TABLE site_closure (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES site (id),
    closed_on TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (site_id, closed_on)
);

-- The usual school dismissal time per grade (1–6) and weekday (0 = Sunday … 6), from the school calendar;
-- grade 0 is the default for grades without their own row.
CREATE TABLE site_dismissal (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES site (id),
    grade INTEGER NOT NULL CHECK (grade BETWEEN 0 AND 6),
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    dismissal_time TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (site_id, grade, weekday)
);

-- People the guardians allow to pick the child up (B5). Removed ones stay for the record.
CREATE TABLE pickup_person (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES child (id),
    name TEXT NOT NULL,
    relation TEXT NOT NULL,
    phone TEXT NOT NULL,
    created_by INTEGER REFERENCES guardian_account (id),
    created_at TEXT NOT NULL,
    removed_at TEXT
);
CREATE INDEX pickup_person_child_id_idx ON pickup_person (child_id);
CREATE INDEX pickup_person_created_by_idx ON pickup_person (created_by);

-- The current plan for a child's day at a site: attending or not, when and how the child goes home.
CREATE TABLE attendance_plan (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES child (id),
    site_id INTEGER NOT NULL REFERENCES site (id),
    plan_date TEXT NOT NULL,
    attending INTEGER NOT NULL CHECK (attending IN (0, 1)),
    leave_time TEXT,
    way_home TEXT NOT NULL DEFAULT 'alone' CHECK (way_home IN ('alone', 'pickup')),
    pickup_person_id INTEGER REFERENCES pickup_person (id),
    absence_reason TEXT CHECK (absence_reason IN ('illness', 'family', 'other')),
    note TEXT NOT NULL DEFAULT '',
    updated_by INTEGER REFERENCES guardian_account (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (child_id, plan_date),
    CHECK (way_home = 'alone' OR pickup_person_id IS NOT NULL)
);
CREATE INDEX attendance_plan_site_id_idx ON attendance_plan (site_id, plan_date);
CREATE INDEX attendance_plan_pickup_person_id_idx ON attendance_plan (pickup_person_id);
CREATE INDEX attendance_plan_updated_by_idx ON attendance_plan (updated_by);

-- Every absence or change a guardian reports (and every plan change after the deadline), for staff to see and
-- confirm (確認済み). It names its date, never "today". kind: absence, change (time or way home), late_plan.
CREATE TABLE plan_contact (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES child (id),
    site_id INTEGER NOT NULL REFERENCES site (id),
    plan_date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('absence', 'change', 'late_plan')),
    attending INTEGER NOT NULL CHECK (attending IN (0, 1)),
    leave_time TEXT,
    way_home TEXT NOT NULL DEFAULT 'alone' CHECK (way_home IN ('alone', 'pickup')),
    pickup_person_id INTEGER REFERENCES pickup_person (id),
    absence_reason TEXT CHECK (absence_reason IN ('illness', 'family', 'other')),
    note TEXT NOT NULL DEFAULT '',
    after_deadline INTEGER NOT NULL CHECK (after_deadline IN (0, 1)),
    account_id INTEGER NOT NULL REFERENCES guardian_account (id),
    created_at TEXT NOT NULL,
    confirmed_at TEXT,
    confirmed_by INTEGER REFERENCES staff_user (id)
);
CREATE INDEX plan_contact_site_id_idx ON plan_contact (site_id, plan_date, id);
CREATE INDEX plan_contact_child_id_idx ON plan_contact (child_id, plan_date);
CREATE INDEX plan_contact_pickup_person_id_idx ON plan_contact (pickup_person_id);
CREATE INDEX plan_contact_account_id_idx ON plan_contact (account_id);
CREATE INDEX plan_contact_confirmed_by_idx ON plan_contact (confirmed_by);

-- An alert about a child's day: not_arrived (planned, no entry by dismissal + threshold), after_closing (still
-- inside at closing time), pickup_unconfirmed (left on a pick-up day without staff confirming who came). One per
-- child, day and kind; staff resolve it with what happened, and it stays in the day's record.
CREATE TABLE child_alert (
    id INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES child (id),
    site_id INTEGER NOT NULL REFERENCES site (id),
    alert_date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('not_arrived', 'after_closing', 'pickup_unconfirmed')),
    raised_at TEXT NOT NULL,
    resolution TEXT CHECK (resolution IN ('arrived_late', 'absent_without_notice', 'found', 'picked_up', 'left')),
    resolution_note TEXT NOT NULL DEFAULT '',
    resolved_at TEXT,
    resolved_by INTEGER REFERENCES staff_user (id),
    created_at TEXT NOT NULL,
    UNIQUE (child_id, alert_date, kind)
);
CREATE INDEX child_alert_site_id_idx ON child_alert (site_id, alert_date);
CREATE INDEX child_alert_resolved_by_idx ON child_alert (resolved_by);

-- Reminders sent to a family member to enter next month's plans for a child (B4), once per month.
CREATE TABLE plan_reminder (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES guardian_account (id),
    child_id INTEGER NOT NULL REFERENCES child (id),
    plan_month TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (account_id, child_id, plan_month)
);
CREATE INDEX plan_reminder_child_id_idx ON plan_reminder (child_id);
