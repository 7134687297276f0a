-- Curriculum plans (指導計画, curriculum/): a class's annual plan (年間, by term), monthly plan (月案) and weekly plan
-- (週案), and a monthly individual plan (個別計画) for each child under three; written by staff and approved as the
-- care journals are (the same states and stamps). A site keeps a template of each kind.

-- A plan: `period` is the first day it covers (annual: 04-01 of the school year; monthly and individual: the 1st;
-- weekly: the Monday). Its sections are sealed under the data keys; `version` counts saves (two tablets never
-- overwrite each other).
CREATE TABLE curriculum_plan (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES site (id),
    group_id INTEGER NOT NULL REFERENCES child_group (id),
    child_id INTEGER REFERENCES child (id),
    kind TEXT NOT NULL CHECK (kind IN ('annual', 'monthly', 'weekly', 'individual')),
    period TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'checked', 'returned', 'approved')),
    sealed TEXT NOT NULL,
    version INTEGER NOT NULL,
    written_by INTEGER REFERENCES staff_user (id),
    submitted_by INTEGER REFERENCES staff_user (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((kind = 'individual') = (child_id IS NOT NULL))
);
CREATE UNIQUE INDEX curriculum_plan_class_idx ON curriculum_plan (group_id, kind, period) WHERE child_id IS NULL;
CREATE UNIQUE INDEX curriculum_plan_child_idx ON curriculum_plan (child_id, period) WHERE child_id IS NOT NULL;
CREATE INDEX curriculum_plan_site_idx ON curriculum_plan (site_id, state, period);
CREATE INDEX curriculum_plan_written_by_idx ON curriculum_plan (written_by);
CREATE INDEX curriculum_plan_submitted_by_idx ON curriculum_plan (submitted_by);

-- Each step of a plan's approval, as journal_stamp.
CREATE TABLE curriculum_stamp (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES curriculum_plan (id),
    step TEXT NOT NULL CHECK (step IN ('submit', 'check', 'approve', 'return', 'reopen')),
    comment_sealed TEXT NOT NULL DEFAULT '',
    stamped_by INTEGER REFERENCES staff_user (id),
    stamped_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX curriculum_stamp_plan_id_idx ON curriculum_stamp (plan_id, stamped_at);
CREATE INDEX curriculum_stamp_stamped_by_idx ON curriculum_stamp (stamped_by);

-- A site's template of a kind: what a new plan of that kind starts from (sealed as the plans are).
CREATE TABLE curriculum_template (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES site (id),
    kind TEXT NOT NULL CHECK (kind IN ('annual', 'monthly', 'weekly', 'individual')),
    sealed TEXT NOT NULL,
    updated_by INTEGER REFERENCES staff_user (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (site_id, kind)
);
CREATE INDEX curriculum_template_updated_by_idx ON curriculum_template (updated_by);
