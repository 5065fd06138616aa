-- What the priority model of issue #31 reads from the weekly rollup besides schema 007's counts
-- (tnt_dash/model_inputs.py gives each expression; docs/priority.md says how the model uses them):
--   reliability_judged, reliability_tenths   records with a judged source reliability (A–E) and the
--                                             sum of their values in tenths; F ("cannot be judged") is
--                                             unknown, not low, and left out
--   credibility_judged, credibility_tenths   the same for information credibility (1–5; 6 left out)
--   vulnerable        child victims, and women victims (adult or of unknown age) in sexual exploitation
--   sexual_victims    victims in records of sexual exploitation (model_inputs.SEXUAL_EXPLOITATION)
--   sexual_vulnerable the vulnerable among them
-- tnt_dash.store.refresh_rollups() fills them in the transaction that changes the incidents, and
-- once for an older store when this migration is applied (store.ROLLUP_MIGRATIONS).
ALTER TABLE incident_weekly ADD COLUMN IF NOT EXISTS reliability_judged BIGINT;
ALTER TABLE incident_weekly ADD COLUMN IF NOT EXISTS reliability_tenths BIGINT;
ALTER TABLE incident_weekly ADD COLUMN IF NOT EXISTS credibility_judged BIGINT;
ALTER TABLE incident_weekly ADD COLUMN IF NOT EXISTS credibility_tenths BIGINT;
ALTER TABLE incident_weekly ADD COLUMN IF NOT EXISTS vulnerable BIGINT;
ALTER TABLE incident_weekly ADD COLUMN IF NOT EXISTS sexual_victims BIGINT;
ALTER TABLE incident_weekly ADD COLUMN IF NOT EXISTS sexual_vulnerable BIGINT;
