-- Former admin-1 units and their successors, both reference tables filled from tnt_dash/reference/
-- (admin1_former.csv, admin1_successors.csv) by store.load_reference. `admin1` holds today's areas
-- only; a record may still carry a former code (an old store, or an old name without coordinates),
-- and admin1_named gives every code a name, the former ones flagged in the name itself
-- ("Katanga (pre-2015 province)").
CREATE TABLE IF NOT EXISTS admin1_former (
    code     VARCHAR PRIMARY KEY,
    iso3     VARCHAR NOT NULL,
    name     VARCHAR NOT NULL,      -- the name as sources spelled it, matched by the gazetteer
    name_en  VARCHAR NOT NULL,      -- as the pages show it, flagged
    name_fr  VARCHAR NOT NULL,
    lat      DOUBLE NOT NULL,
    lon      DOUBLE NOT NULL
);

CREATE TABLE IF NOT EXISTS admin1_successors (
    old_code        VARCHAR NOT NULL,
    successor_code  VARCHAR NOT NULL,
    source          VARCHAR,
    PRIMARY KEY (old_code, successor_code)
);

CREATE OR REPLACE VIEW admin1_named AS
    SELECT code, iso3, name_en, name_fr, lat, lon, true AS current FROM admin1
    UNION ALL
    SELECT code, iso3, name_en, name_fr, lat, lon, false AS current FROM admin1_former;
