-- Weekly rollup of the incidents: one row per ISO week (Monday) x place x market x status x marking,
-- with the key figures summed. Rebuilt by tnt_dash.store.refresh_rollups() inside every transaction
-- that changes incidents (demo build, import, correction, rollback), so it always equals the table.
-- The query layer reads it only when it answers the filters exactly (tnt_dash/queries.py kpi_source):
-- whole ISO weeks and no grading filter; otherwise it reads the incidents.
CREATE TABLE IF NOT EXISTS incident_weekly (
    week            DATE NOT NULL,
    mission         VARCHAR,
    iso3            VARCHAR,
    admin1_code     VARCHAR,
    market          VARCHAR NOT NULL,
    status          VARCHAR NOT NULL,
    tlp             VARCHAR NOT NULL,
    classification  VARCHAR NOT NULL,
    incidents       BIGINT NOT NULL,
    victims         BIGINT NOT NULL,
    women_children  BIGINT NOT NULL,
    fatalities      BIGINT NOT NULL,
    arrests         BIGINT NOT NULL,
    seizure_usd     DOUBLE NOT NULL
);
