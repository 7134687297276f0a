-- Lists are shown in kana order; with these the first page of 10,000 children is read in order, not sorted.
CREATE INDEX child_name_order_idx ON child (family_kana, given_kana, id);
CREATE INDEX guardian_name_order_idx ON guardian (family_kana, given_kana, id);
CREATE INDEX site_name_order_idx ON site (name_kana, id);
-- Who is placed at a site on a date: site lists count it, and the live roster will ask it all day.
CREATE INDEX child_placement_site_period_idx ON child_placement (site_id, start_date, end_date, child_id);
-- Deactivated children are few; counts subtract them through this instead of visiting every child.
CREATE INDEX child_deactivated_idx ON child (deactivated_at) WHERE deactivated_at IS NOT NULL;
