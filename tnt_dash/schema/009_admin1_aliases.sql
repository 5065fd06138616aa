-- The admin-1 gazetteer and the missions' areas of operations (issue #27), both reference tables
-- filled from tnt_dash/reference/ (admin1_aliases.csv, mission_areas.csv) by store.load_reference.
--   admin1_aliases  other spellings of an admin-1 unit (ACLED, OCHA, ISO 3166-2, French, English,
--                   former names); importers match them accent-, case-, space- and hyphen-insensitively
--   mission_areas   each current mission's area of operations as a list of admin-1 codes, with the
--                   public source in `note`; a closed mission (or one whose territory has no admin-1
--                   units in the store, MINURSO today) has none
CREATE TABLE IF NOT EXISTS admin1_aliases (
    code    VARCHAR NOT NULL,
    alias   VARCHAR NOT NULL,
    source  VARCHAR,
    PRIMARY KEY (code, alias)
);

CREATE TABLE IF NOT EXISTS mission_areas (
    mission      VARCHAR NOT NULL,
    admin1_code  VARCHAR NOT NULL,
    note         VARCHAR,
    PRIMARY KEY (mission, admin1_code)
);
