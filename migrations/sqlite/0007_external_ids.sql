-- The numbers a city's resident or school system gives children and guardians, so that importing the same roster
-- again updates the same people instead of adding them twice.
ALTER TABLE child ADD COLUMN external_id text;
ALTER TABLE guardian ADD COLUMN external_id text;
CREATE UNIQUE INDEX child_external_id_idx ON child (external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX guardian_external_id_idx ON guardian (external_id) WHERE external_id IS NOT NULL;
