-- Trafficking and protection detail to UNODC's standard (issue #32), aggregate-first: counts per
-- incident, never a row per named person.
--   exploitation_form         GLOTIP form of exploitation of a human-trafficking incident (codes in
--                             tnt_dash/gender/trafficking.py FORMS); NULL: not recorded (counted "unknown")
--   victims_domestic/_foreign victims by citizenship (the rest of the incident's victims: unknown)
--   victim_citizenships       ISO3 codes of the foreign victims' citizenships, sorted, separated by ';'
--                             (no count per code); NULL: none
--   victims_referred/_not_referred/_declined_referral
--                             victims by referral to services (the rest: unknown)
--   crsv_referred             referred to the CRSV focal point (MARA arrangements)
--   grave_violations          possible grave violations against children, for the MRM: any of
--                             recruitment, abduction, sexual_violence, killing_maiming, separated by ';'
-- The two code lists are text, not VARCHAR[]: DuckDB rewrites a row whose list column is updated
-- (delete and insert), which the demo's post-pass would do to thousands of rows.
-- Nullable with defaults: DuckDB adds no constrained column; read with coalesce.
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS exploitation_form VARCHAR;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS victims_domestic INTEGER DEFAULT 0;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS victims_foreign INTEGER DEFAULT 0;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS victim_citizenships VARCHAR;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS victims_referred INTEGER DEFAULT 0;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS victims_not_referred INTEGER DEFAULT 0;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS victims_declined_referral INTEGER DEFAULT 0;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS crsv_referred BOOLEAN DEFAULT FALSE;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS grave_violations VARCHAR;

-- Offenders through the criminal-justice chain, counted per incident by stage, sex and age: a
-- conviction often comes months or years after the incident, from another import that names the
-- incident_id. One count per (incident, stage, sex, age); stage_date is when that stage was reached.
CREATE TABLE IF NOT EXISTS offenders (
    incident_id VARCHAR NOT NULL,
    stage       VARCHAR NOT NULL,     -- arrested | prosecuted | convicted
    sex         VARCHAR NOT NULL,     -- female | male | unknown
    age         VARCHAR NOT NULL,     -- child | adult | unknown
    persons     INTEGER NOT NULL,
    stage_date  DATE,
    batch_id    VARCHAR,
    PRIMARY KEY (incident_id, stage, sex, age)
);
