-- Schema version 3: previous versions of country-context rows (GI-TOC scores, UNODC series) that an
-- import replaced, so that a context batch can be rolled back like an incident batch.
CREATE TABLE context_history (
    batch_id    VARCHAR NOT NULL,      -- the batch that replaced this row
    table_name  VARCHAR NOT NULL,      -- gitoc_scores | national_series
    previous    VARCHAR NOT NULL,      -- JSON of the whole previous row
    changed_at  TIMESTAMP NOT NULL
);
