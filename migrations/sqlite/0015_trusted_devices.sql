-- A browser where an account signed in fully (password, and the second factor where asked) is trusted for that
-- account: attempts from it are throttled on their own, so that failures elsewhere — a stranger guessing at a
-- known login id, or a school's shared address — never hold the owner back on their own browser (OWASP's "device
-- cookies"). The browser keeps a random token in a cookie; only its SHA-256 is stored. owner_kind says whether
-- owner_id is a staff_user or a guardian_account.
CREATE TABLE trusted_device (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL,
    owner_kind TEXT NOT NULL CHECK (owner_kind IN ('staff', 'guardian')),
    owner_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT NOT NULL,
    UNIQUE (token_hash, owner_kind, owner_id)
);
CREATE INDEX trusted_device_owner_idx ON trusted_device (owner_kind, owner_id);

-- An attempt from a trusted browser names it; attempts without one are "untrusted" and count against the account
-- and the address.
ALTER TABLE login_attempt ADD COLUMN device_id INTEGER REFERENCES trusted_device (id);
CREATE INDEX login_attempt_device_id_idx ON login_attempt (device_id, created_at);
-- Guardians' attempts are counted by the hashed e-mail address.
CREATE INDEX login_attempt_login_key_idx ON login_attempt (login_key, created_at);
