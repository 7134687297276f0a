-- The server secret lives in a file, never here. This holds an HMAC of a fixed text under it, so that a command can
-- tell whether the secret it was given is this database's own, and never makes a new one next to a database that
-- has one (app/secret.hpp). One row.
CREATE TABLE secret_check (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL,
    created_at TEXT NOT NULL
);
-- From this version on each audit entry's hash is an HMAC under a key derived from the secret (so that whoever can
-- write to the database cannot recompute the chain after editing it), and covers the entry's id. `tadaima migrate`
-- re-chains the entries written before, after checking the plain chain they were written with.
