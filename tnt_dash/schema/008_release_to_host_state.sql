-- Release to one host State (issue #26). A TLP:GREEN record may go to the community; which host
-- State may see it is a decision taken record by record:
--   releasable_to    ISO3 codes of the host States this record was released to (empty: none)
--   originator       who reported it: host_state | unpol | un_other | partner | open_source
--   originator_iso3  for a host-State report, the State that made it (its own report goes back to it)
-- The rollups keep `released_to`, the host States that may see the record whatever its marking
-- (access.RELEASED_TO: releasable_to plus the originating State of a host-State report), so a
-- shared screen reads them exactly, as it reads the incidents.
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS releasable_to VARCHAR[] DEFAULT [];
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS originator VARCHAR;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS originator_iso3 VARCHAR;
UPDATE incidents SET releasable_to = [] WHERE releasable_to IS NULL;
ALTER TABLE incident_weekly ADD COLUMN IF NOT EXISTS released_to VARCHAR[];
ALTER TABLE incident_status ADD COLUMN IF NOT EXISTS released_to VARCHAR[];

-- Every page view, export and brief produced for a host State (access.md, "Release log").
CREATE TABLE IF NOT EXISTS releases (
    entry_id    VARCHAR PRIMARY KEY,   -- written by the producing process; a re-drained spool line is skipped
    logged_at   TIMESTAMP NOT NULL,
    host_state  VARCHAR NOT NULL,
    user_name   VARCHAR NOT NULL,      -- the signed-in user, or "server"
    kind        VARCHAR NOT NULL,      -- page | export | brief
    item        VARCHAR NOT NULL,      -- the page, export view or brief format
    filters     VARCHAR NOT NULL,      -- the filters as JSON
    records     BIGINT,                -- the records behind what was shown
    marking     VARCHAR NOT NULL
);
