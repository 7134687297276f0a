-- Messages from staff to their site's families and from the city to every site's (D1–D6). A message is written
-- once; at its sending time (now, or scheduled) it becomes one notification per site it reaches (kind 'message',
-- no child) whose recipient rows are the inbox entries, read receipts and delivery records of each family member.
-- scope: site (every child placed there), grade (targets: school years), group (targets: group ids), children
-- (targets: child ids), sites (targets: site ids; the city's), all (every site; the city's). targets is a JSON
-- array of ids. site_id is the writing site (NULL for the city's). state: scheduled → sent, or cancelled before.
CREATE TABLE message (
    id INTEGER PRIMARY KEY,
    site_id INTEGER REFERENCES site (id),
    author_id INTEGER NOT NULL REFERENCES staff_user (id),
    scope TEXT NOT NULL CHECK (scope IN ('site', 'grade', 'group', 'children', 'sites', 'all')),
    targets TEXT NOT NULL DEFAULT '[]',
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    emergency INTEGER NOT NULL DEFAULT 0 CHECK (emergency IN (0, 1)),
    send_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'sent', 'cancelled')),
    sent_at TEXT,
    reminded_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((site_id IS NULL) = (scope IN ('sites', 'all')))
);
CREATE INDEX message_site_id_idx ON message (site_id, id);
CREATE INDEX message_author_id_idx ON message (author_id);

-- PDF files sent with a message; the content base64-encoded (both databases keep it as text).
CREATE TABLE message_attachment (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES message (id),
    filename TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX message_attachment_message_id_idx ON message_attachment (message_id);

-- A message's notification per site it reached (one per site, so a retried fan-out adds nothing).
ALTER TABLE notification ADD COLUMN message_id INTEGER REFERENCES message (id);
CREATE UNIQUE INDEX notification_message_id_idx ON notification (message_id, site_id);

-- One conversation per child with each site it attends: family members and staff write in turn.
CREATE TABLE message_thread (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES site (id),
    child_id INTEGER NOT NULL REFERENCES child (id),
    last_post_at TEXT NOT NULL,
    waiting INTEGER NOT NULL DEFAULT 0 CHECK (waiting IN (0, 1)),
    created_at TEXT NOT NULL,
    UNIQUE (child_id, site_id)
);
CREATE INDEX message_thread_site_id_idx ON message_thread (site_id, last_post_at);

-- A post by exactly one of a family member's account or a staff member.
CREATE TABLE thread_post (
    id INTEGER PRIMARY KEY,
    thread_id INTEGER NOT NULL REFERENCES message_thread (id),
    account_id INTEGER REFERENCES guardian_account (id),
    staff_user_id INTEGER REFERENCES staff_user (id),
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK ((account_id IS NULL) <> (staff_user_id IS NULL))
);
CREATE INDEX thread_post_thread_id_idx ON thread_post (thread_id, id);
CREATE INDEX thread_post_account_id_idx ON thread_post (account_id);
CREATE INDEX thread_post_staff_user_id_idx ON thread_post (staff_user_id);
