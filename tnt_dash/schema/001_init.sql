-- Schema version 1: reference tables, the incident store, import batches.
-- Codes and scales follow ../shared/DOMAIN.md: market codes (§2), victims by sex x age (§3),
-- Admiralty grading, UN classification and TLP 2.0 (§4).

CREATE TABLE meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);

CREATE TABLE countries (
    iso3          VARCHAR PRIMARY KEY,
    name_en       VARCHAR NOT NULL,
    name_fr       VARCHAR NOT NULL,
    un_region     VARCHAR,
    un_subregion  VARCHAR,
    population    BIGINT,
    pop_year      INTEGER,
    pop_source    VARCHAR,
    is_host       BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE admin1 (
    code     VARCHAR PRIMARY KEY,      -- ISO 3166-2 where one exists
    iso3     VARCHAR NOT NULL,
    name_en  VARCHAR NOT NULL,
    name_fr  VARCHAR NOT NULL,
    lat      DOUBLE NOT NULL,
    lon      DOUBLE NOT NULL
);

CREATE TABLE missions (
    code               VARCHAR PRIMARY KEY,
    name_en            VARCHAR NOT NULL,
    name_fr            VARCHAR NOT NULL,
    host_iso3          VARCHAR NOT NULL,
    host_territory_en  VARCHAR NOT NULL,
    host_territory_fr  VARCHAR NOT NULL,
    start_date         DATE,
    end_date           DATE,
    francophone        BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE markets (
    code           VARCHAR PRIMARY KEY,
    label_en       VARCHAR NOT NULL,
    label_fr       VARCHAR NOT NULL,
    gitoc_market   VARCHAR,               -- NULL where GI-TOC has no market (sextortion, OCSE)
    iccs_code      VARCHAR NOT NULL,
    cyber          VARCHAR NOT NULL CHECK (cyber IN ('cyber-dependent', 'cyber-enabled', 'none')),
    family         VARCHAR NOT NULL,      -- drugs | people | arms | resources | cyber_financial | other
    definition_en  VARCHAR NOT NULL,
    definition_fr  VARCHAR NOT NULL
);

CREATE TABLE border_crossings (
    code     VARCHAR PRIMARY KEY,
    name     VARCHAR NOT NULL,
    lat      DOUBLE NOT NULL,
    lon      DOUBLE NOT NULL,
    iso3_a   VARCHAR NOT NULL,
    iso3_b   VARCHAR NOT NULL
);

CREATE TABLE actors (
    actor_id          VARCHAR PRIMARY KEY,
    name              VARCHAR NOT NULL,
    gitoc_actor_type  VARCHAR NOT NULL,   -- one of the five GI-TOC actor types
    name_restricted   BOOLEAN NOT NULL DEFAULT FALSE,
    violence          SMALLINT,           -- 1-5, analyst's assessment
    reach             SMALLINT,           -- 1-5
    links             SMALLINT            -- 1-5
);

CREATE TABLE import_batches (
    batch_id     VARCHAR PRIMARY KEY,
    kind         VARCHAR NOT NULL,        -- demo | native | acled | hxl | gitoc | unodc | geo
    file_name    VARCHAR,
    sha256       VARCHAR,
    created_at   TIMESTAMP NOT NULL,
    created_by   VARCHAR,
    rows_read    BIGINT,
    inserted     BIGINT,
    updated      BIGINT,
    unchanged    BIGINT,
    quarantined  BIGINT,
    status       VARCHAR NOT NULL         -- committed | rolled_back
);

CREATE TABLE incidents (
    incident_id         VARCHAR PRIMARY KEY,
    date_occurred       DATE NOT NULL,
    date_precision      SMALLINT NOT NULL CHECK (date_precision BETWEEN 1 AND 3),  -- 1 day, 2 week, 3 month (ACLED-style)
    date_reported       DATE,
    mission             VARCHAR,
    iso3                VARCHAR,          -- NULL for cybercrime not tied to a place
    admin1_code         VARCHAR,
    place               VARCHAR,          -- admin-2 or place name
    lat                 DOUBLE,
    lon                 DOUBLE,
    geo_precision       SMALLINT CHECK (geo_precision BETWEEN 1 AND 3),             -- 1 exact, 2 near, 3 admin-1 centroid
    market              VARCHAR NOT NULL,
    subtype             VARCHAR,
    cross_border        BOOLEAN NOT NULL DEFAULT FALSE,
    origin_iso3         VARCHAR,
    transit_iso3        VARCHAR,
    destination_iso3    VARCHAR,
    crossing_code       VARCHAR,
    actor_id            VARCHAR,
    fatalities          INTEGER NOT NULL DEFAULT 0,
    arrests_female      INTEGER NOT NULL DEFAULT 0,
    arrests_male        INTEGER NOT NULL DEFAULT 0,
    arrests_unknown     INTEGER NOT NULL DEFAULT 0,
    -- victims by sex (female, male, unknown) x age (child, adult, unknown); unknowns are never imputed
    v_female_child      INTEGER NOT NULL DEFAULT 0,
    v_female_adult      INTEGER NOT NULL DEFAULT 0,
    v_female_unknown    INTEGER NOT NULL DEFAULT 0,
    v_male_child        INTEGER NOT NULL DEFAULT 0,
    v_male_adult        INTEGER NOT NULL DEFAULT 0,
    v_male_unknown      INTEGER NOT NULL DEFAULT 0,
    v_unknown_child     INTEGER NOT NULL DEFAULT 0,
    v_unknown_adult     INTEGER NOT NULL DEFAULT 0,
    v_unknown_unknown   INTEGER NOT NULL DEFAULT 0,
    seizure_commodity   VARCHAR,
    seizure_quantity    DOUBLE,
    seizure_unit        VARCHAR,
    seizure_value_usd   DOUBLE,
    source_type         VARCHAR,
    source_reliability  VARCHAR NOT NULL CHECK (source_reliability IN ('A','B','C','D','E','F')),
    info_credibility    SMALLINT NOT NULL CHECK (info_credibility BETWEEN 1 AND 6),
    n_sources           SMALLINT NOT NULL DEFAULT 1,
    classification      VARCHAR NOT NULL CHECK (classification IN ('UNCLASSIFIED','CONFIDENTIAL','STRICTLY CONFIDENTIAL')),
    tlp                 VARCHAR NOT NULL CHECK (tlp IN ('TLP:CLEAR','TLP:GREEN','TLP:AMBER','TLP:AMBER+STRICT','TLP:RED')),
    status              VARCHAR NOT NULL CHECK (status IN ('draft','in_review','validated','archived')),
    narrative           VARCHAR,
    narrative_restricted BOOLEAN NOT NULL DEFAULT FALSE,
    source_ref          VARCHAR,
    reporting_unit      VARCHAR,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    batch_id            VARCHAR
);

-- Imported boundaries (admin-1 polygons and the like), one GeoJSON geometry per unit.
CREATE TABLE boundaries (
    level     VARCHAR NOT NULL,           -- adm1
    code      VARCHAR NOT NULL,
    iso3      VARCHAR,
    name      VARCHAR,
    geometry  VARCHAR NOT NULL,           -- GeoJSON geometry, simplified
    batch_id  VARCHAR,
    PRIMARY KEY (level, code)
);
