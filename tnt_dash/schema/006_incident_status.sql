-- The incidents without their dates: one row per place x market x status x marking, with the count,
-- the first and last date and the latest update. Every page's status line ("N records in view,
-- first to last date, data as of") and the last complete week ignore the period, so they read this
-- table, about 17 times smaller than the weekly rollup (30 thousand rows at 1M incidents against
-- 514 thousand; 8-10 ms a call down to 1-2). Rebuilt from the weekly rollup by
-- tnt_dash.store.refresh_rollups() in the same transaction, so it always equals the incidents.
CREATE TABLE IF NOT EXISTS incident_status (
    mission         VARCHAR,
    iso3            VARCHAR,
    admin1_code     VARCHAR,
    market          VARCHAR NOT NULL,
    status          VARCHAR NOT NULL,
    tlp             VARCHAR NOT NULL,
    classification  VARCHAR NOT NULL,
    incidents       BIGINT NOT NULL,
    first_date      DATE,
    last_date       DATE,
    last_updated    TIMESTAMP
);
