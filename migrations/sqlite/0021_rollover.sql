-- The school-year rollover (I8): on 1 April every child placed in the old year moves up a grade, those past a
-- site's last grade leave it (their placement ends on 31 March), and members of a grade's or an age class's group
-- move to the next one. One row per school year: planned (to run at 00:00 JST on effective_date), done or
-- cancelled; summary holds the counts (JSON, ids and numbers only).
CREATE TABLE rollover (
    id INTEGER PRIMARY KEY,
    effective_date TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('planned', 'done', 'cancelled')),
    by_user_id INTEGER REFERENCES staff_user (id),
    summary TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE UNIQUE INDEX rollover_once_idx ON rollover (effective_date) WHERE state <> 'cancelled';
CREATE INDEX rollover_by_user_id_idx ON rollover (by_user_id);

-- Each child's grade before and after, so that a register of the old year still shows the grade the child had.
CREATE TABLE rollover_child (
    id INTEGER PRIMARY KEY,
    rollover_id INTEGER NOT NULL REFERENCES rollover (id),
    child_id INTEGER NOT NULL REFERENCES child (id),
    grade_before INTEGER,
    grade_after INTEGER,
    created_at TEXT NOT NULL,
    UNIQUE (rollover_id, child_id)
);
CREATE INDEX rollover_child_child_id_idx ON rollover_child (child_id);
