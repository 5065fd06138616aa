-- The weekly rollup also keeps what the priority model (tnt_dash/priority.py) reads from the
-- incidents, so the weekly brief's top 5 (16 whole weeks) and any whole-week priority view read
-- the rollup instead of scanning the incidents on every rerun (the brief's slowest part: about
-- 80 ms of its data at 1M incidents). Counts and sums only, so the cells add up exactly:
--   cross_border      records marked cross-border
--   corroborated      records with two or more independent sources
--   actor_records     records with an assessed actor; actor_points their violence + reach + links
--   graded            records with both grades; grade_tenths their two grades in tenths (Admiralty)
--   linked_countries  the distinct countries (own, origin, transit, destination) of the cell's
--                     records that name a corridor; NULL when none does
-- The expressions are model_inputs.model_sums() and LINKED_COUNTRIES; tnt_dash.store.refresh_rollups() fills them in the
-- transaction that changes the incidents. Actors are reference data loaded when a store is built.
ALTER TABLE incident_weekly ADD COLUMN IF NOT EXISTS cross_border BIGINT;
ALTER TABLE incident_weekly ADD COLUMN IF NOT EXISTS corroborated BIGINT;
ALTER TABLE incident_weekly ADD COLUMN IF NOT EXISTS actor_records BIGINT;
ALTER TABLE incident_weekly ADD COLUMN IF NOT EXISTS actor_points BIGINT;
ALTER TABLE incident_weekly ADD COLUMN IF NOT EXISTS graded BIGINT;
ALTER TABLE incident_weekly ADD COLUMN IF NOT EXISTS grade_tenths BIGINT;
ALTER TABLE incident_weekly ADD COLUMN IF NOT EXISTS linked_countries VARCHAR[];
