-- Cyber-enabled and cyber-dependent incidents (issue #37): how the crime was committed (modus operandi,
-- reference/cyber_modus.csv), through which channel (reference/cyber_channels.csv), what it cost the
-- victims, where the victims live, where the offenders were, who reported it
-- (reference/cyber_report_sources.csv), whether it is technology-facilitated gender-based violence, and
-- the trafficking incident an online recruitment led to. Nullable with a default: DuckDB adds no
-- constrained column; read with coalesce.
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS cyber_modus VARCHAR;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS cyber_channel VARCHAR;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS cyber_loss_usd DOUBLE;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS residence_admin1_code VARCHAR;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS offender_iso3 VARCHAR;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS cyber_report_source VARCHAR;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS tfgbv BOOLEAN DEFAULT FALSE;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS linked_trafficking_id VARCHAR;
-- Platform account, wallet or handle: analysts only, never on a shared screen or in a shared export.
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS cyber_account_ref VARCHAR;
-- The rollups count an incident in its admin-1 area: where it occurred or, for an incident with no
-- place of its own (cybercrime), where its victims live (docs/cyber.md). Their admin1_code is already
-- that area; the column exists there too (always NULL) so that the same place expression,
-- coalesce(admin1_code, residence_admin1_code), reads the incidents and the rollups alike.
ALTER TABLE incident_weekly ADD COLUMN IF NOT EXISTS residence_admin1_code VARCHAR;
ALTER TABLE incident_status ADD COLUMN IF NOT EXISTS residence_admin1_code VARCHAR;
