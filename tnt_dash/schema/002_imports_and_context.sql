-- Schema version 2: import integrity (quarantine, history, audit) and country context
-- (GI-TOC Organized Crime Index scores, UNODC national series).

-- Rows an import could not accept, kept whole with every reason, until corrected or discarded.
CREATE TABLE quarantine (
    quarantine_id  VARCHAR PRIMARY KEY,
    batch_id       VARCHAR NOT NULL,
    row_number     INTEGER,            -- 1-based line/row in the source file
    raw            VARCHAR NOT NULL,   -- JSON object of the original cells
    errors         VARCHAR NOT NULL,   -- JSON list of {"field", "reason"}
    status         VARCHAR NOT NULL CHECK (status IN ('open', 'resubmitted', 'discarded')),
    created_at     TIMESTAMP NOT NULL,
    resolved_at    TIMESTAMP
);

-- Every previous version of an incident that an import changed.
CREATE TABLE incident_history (
    incident_id  VARCHAR NOT NULL,
    version      INTEGER NOT NULL,
    batch_id     VARCHAR,              -- the batch that replaced this version
    changed_at   TIMESTAMP NOT NULL,
    previous     VARCHAR NOT NULL,     -- JSON of the whole previous row
    PRIMARY KEY (incident_id, version)
);

CREATE TABLE audit_log (
    audit_id   VARCHAR PRIMARY KEY,
    logged_at  TIMESTAMP NOT NULL,
    actor      VARCHAR,
    action     VARCHAR NOT NULL,       -- import | rollback | resubmit | discard | geo_import
    batch_id   VARCHAR,
    file_name  VARCHAR,
    sha256     VARCHAR,
    details    VARCHAR                 -- JSON: counts and anything else worth keeping
);

-- GI-TOC Global Organized Crime Index: one score per country, edition and indicator.
CREATE TABLE gitoc_scores (
    iso3          VARCHAR NOT NULL,
    edition       INTEGER NOT NULL,    -- 2021, 2023, 2025 …
    indicator     VARCHAR NOT NULL,    -- exact GI-TOC name, e.g. 'Arms trafficking', 'Law enforcement'
    kind          VARCHAR NOT NULL CHECK (kind IN ('market', 'actor', 'resilience', 'average')),
    score         DOUBLE,
    country_name  VARCHAR,             -- as spelled in the source file
    batch_id      VARCHAR,
    PRIMARY KEY (iso3, edition, indicator)
);

-- UNODC data-portal national series (GLOTIP, SDG). "<5" stays censored: value NULL, censored TRUE.
CREATE TABLE national_series (
    source      VARCHAR NOT NULL,      -- 'UNODC GLOTIP' | 'UNODC SDG'
    iso3        VARCHAR NOT NULL,
    indicator   VARCHAR NOT NULL,
    dimension   VARCHAR,
    category    VARCHAR,
    sex         VARCHAR,
    age         VARCHAR,
    year        INTEGER NOT NULL,
    unit        VARCHAR,
    value       DOUBLE,
    value_text  VARCHAR NOT NULL,      -- exactly as published, e.g. '<5' or '12'
    censored    BOOLEAN NOT NULL,
    series_source VARCHAR,             -- the 'Source' column of the export
    batch_id    VARCHAR
);
