-- Web Push: a family member's subscriptions (one per installed app; the endpoint is the push service's address
-- for it, the keys encrypt what is sent), and the server's own keys (the VAPID key pair, made once at first start
-- and shared by every app node).
CREATE TABLE push_subscription (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES guardian_account (id),
    endpoint TEXT NOT NULL UNIQUE,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_sent_at TEXT
);
CREATE INDEX push_subscription_account_id_idx ON push_subscription (account_id);

CREATE TABLE server_key (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    private_key TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at TEXT NOT NULL
);
