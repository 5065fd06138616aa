-- The actor register (issue #35): aliases, the analyst's assessment and its confidence, release to host
-- States, recorded links between actors, import suggestions and reversible merges. Nullable columns with
-- defaults (DuckDB adds no constrained column): read with coalesce.
ALTER TABLE actors ADD COLUMN IF NOT EXISTS corruption SMALLINT;          -- 1-5, analyst's assessment
ALTER TABLE actors ADD COLUMN IF NOT EXISTS infiltration SMALLINT;        -- 1-5
ALTER TABLE actors ADD COLUMN IF NOT EXISTS adaptability SMALLINT;        -- 1-5
ALTER TABLE actors ADD COLUMN IF NOT EXISTS assessment_confidence VARCHAR;  -- low | moderate | high
ALTER TABLE actors ADD COLUMN IF NOT EXISTS assessed_on DATE;
ALTER TABLE actors ADD COLUMN IF NOT EXISTS releasable_to VARCHAR[] DEFAULT [];  -- host States the actor is released to
ALTER TABLE actors ADD COLUMN IF NOT EXISTS home_iso3 VARCHAR;
ALTER TABLE actors ADD COLUMN IF NOT EXISTS home_admin1 VARCHAR[] DEFAULT [];
ALTER TABLE actors ADD COLUMN IF NOT EXISTS markets VARCHAR[] DEFAULT [];
ALTER TABLE actors ADD COLUMN IF NOT EXISTS active_from INTEGER;          -- year
ALTER TABLE actors ADD COLUMN IF NOT EXISTS active_to INTEGER;            -- year; NULL while active
ALTER TABLE actors ADD COLUMN IF NOT EXISTS merged_into VARCHAR;          -- set by a merge; the row stays, for undo
ALTER TABLE actors ADD COLUMN IF NOT EXISTS origin VARCHAR DEFAULT 'register';  -- register | suggestion (accepted from an import)

-- Every spelling an import may meet: EN/FR/local names, ACLED actor strings. alias_norm is the lookup
-- key (lower case, accents and punctuation folded: networks.register.norm).
CREATE TABLE IF NOT EXISTS actor_aliases (
    alias_norm  VARCHAR PRIMARY KEY,
    alias       VARCHAR NOT NULL,
    actor_id    VARCHAR NOT NULL,
    kind        VARCHAR,            -- name_en | name_fr | local | acled | merged | accepted
    added_at    TIMESTAMP,
    added_by    VARCHAR
);

-- Links the analyst records between two actors, each with its source and Admiralty grade.
CREATE TABLE IF NOT EXISTS actor_links (
    actor_a             VARCHAR NOT NULL,
    actor_b             VARCHAR NOT NULL,
    kind                VARCHAR NOT NULL CHECK (kind IN ('alliance', 'rivalry', 'supplier', 'splinter')),
    source              VARCHAR,
    source_reliability  VARCHAR CHECK (source_reliability IN ('A','B','C','D','E','F')),
    info_credibility    SMALLINT CHECK (info_credibility BETWEEN 1 AND 6),
    recorded_on         DATE,
    PRIMARY KEY (actor_a, actor_b, kind)
);

-- Actor strings an import could not resolve: the record imports without an actor, and the string waits
-- here for the analyst to accept as a new actor or merge into a known one (never a silent new actor).
CREATE TABLE IF NOT EXISTS actor_mentions (
    incident_id  VARCHAR NOT NULL,
    text         VARCHAR NOT NULL,
    text_norm    VARCHAR NOT NULL,
    batch_id     VARCHAR,
    noted_at     TIMESTAMP,
    status       VARCHAR NOT NULL DEFAULT 'open',   -- open | accepted | merged | dismissed
    actor_id     VARCHAR,                           -- the actor it was resolved to
    PRIMARY KEY (incident_id, text_norm)
);

-- One row per merge: what moved, so that it can be undone exactly.
CREATE TABLE IF NOT EXISTS actor_merges (
    merge_id      VARCHAR PRIMARY KEY,
    kept          VARCHAR NOT NULL,
    merged        VARCHAR NOT NULL,
    merged_at     TIMESTAMP NOT NULL,
    merged_by     VARCHAR,
    incidents     VARCHAR[],        -- incident ids moved from `merged` to `kept`
    aliases       VARCHAR[],        -- alias_norm values moved
    undone_at     TIMESTAMP,
    undone_by     VARCHAR
);
