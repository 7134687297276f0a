-- Sign-in attempts, for account lockout and per-address limits. The login id is stored only as a hash.
CREATE TABLE login_attempt (
    id INTEGER PRIMARY KEY,
    login_key TEXT NOT NULL,
    user_id INTEGER REFERENCES staff_user (id),
    address TEXT NOT NULL,
    succeeded integer NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX login_attempt_user_id_idx ON login_attempt (user_id, created_at);
CREATE INDEX login_attempt_address_idx ON login_attempt (address, created_at);

-- A locked account refuses sign-in until locked_until; failures before failures_reset_at (a manager's unlock)
-- no longer count.
ALTER TABLE staff_user ADD COLUMN locked_until TEXT;
ALTER TABLE staff_user ADD COLUMN failures_reset_at TEXT;
