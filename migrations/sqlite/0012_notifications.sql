-- Notifications: what the system decided to tell a family (an entry, an exit, a correction, an alert, a confirmed
-- absence, a message). One notification row per event; one recipient row per guardian account, which is both the
-- inbox entry (read_at) and the delivery record per channel; one job per recipient and channel, planned in the same
-- transaction as the event. params holds ids and times only; the text is written at sending and at reading time in
-- the reader's language.
CREATE TABLE notification (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('entry', 'exit', 'correction', 'alert', 'contact_confirmed', 'message')),
    site_id INTEGER NOT NULL REFERENCES site (id),
    child_id INTEGER REFERENCES child (id),
    params TEXT NOT NULL,
    urgent INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
    created_at TEXT NOT NULL
);
CREATE INDEX notification_site_id_idx ON notification (site_id, created_at);
CREATE INDEX notification_child_id_idx ON notification (child_id);

-- Channel states: off (not chosen, or nothing to send), queued (a job will send it), sent (handed to the mail
-- server or push service), failed (the last attempt failed), withdrawn (the account lost access before sending).
CREATE TABLE notification_recipient (
    id INTEGER PRIMARY KEY,
    notification_id INTEGER NOT NULL REFERENCES notification (id),
    account_id INTEGER NOT NULL REFERENCES guardian_account (id),
    email_state TEXT NOT NULL DEFAULT 'off' CHECK (email_state IN ('off', 'queued', 'sent', 'failed', 'withdrawn')),
    email_at TEXT,
    push_state TEXT NOT NULL DEFAULT 'off' CHECK (push_state IN ('off', 'queued', 'sent', 'failed', 'withdrawn')),
    push_at TEXT,
    read_at TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (notification_id, account_id)
);
CREATE INDEX notification_recipient_account_id_idx ON notification_recipient (account_id, id);

-- A family member's choice of channels per kind of event (no row: every channel). Urgent notifications (alerts,
-- emergency messages) ignore quiet hours; the inbox always gets everything.
CREATE TABLE notification_choice (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES guardian_account (id),
    topic TEXT NOT NULL CHECK (topic IN ('attendance', 'correction', 'alert', 'contact', 'message')),
    email INTEGER NOT NULL CHECK (email IN (0, 1)),
    push INTEGER NOT NULL CHECK (push IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (account_id, topic)
);

-- Quiet hours in Japan time ('HH:MM', both or neither): mail and push wait until the end of them.
ALTER TABLE guardian_account ADD COLUMN quiet_start TEXT;
ALTER TABLE guardian_account ADD COLUMN quiet_end TEXT;
