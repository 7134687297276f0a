-- Extended-hours use (延長利用) as the site counts it for the register: minutes a child stays past a site-set time
-- (none: the site does not count it), in units of so many minutes, rounded up, down or to the nearest unit.
ALTER TABLE site ADD COLUMN extended_after text;
ALTER TABLE site ADD COLUMN extended_unit_minutes integer NOT NULL DEFAULT 30 CHECK (extended_unit_minutes BETWEEN 1 AND 240);
ALTER TABLE site ADD COLUMN extended_rounding text NOT NULL DEFAULT 'up' CHECK (extended_rounding IN ('up', 'down', 'nearest'));
