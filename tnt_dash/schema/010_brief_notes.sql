-- The analyst's notes on a week (tnt_dash/brief_notes.py, docs/brief.md). Every import is kept:
-- the brief reads the newest set for its week and mission; earlier sets are the history.
CREATE TABLE IF NOT EXISTS brief_note_sets (
    set_id      VARCHAR PRIMARY KEY,
    week        DATE NOT NULL,          -- the ISO week's Monday
    mission     VARCHAR NOT NULL,       -- '' for a regional brief
    author      VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS brief_notes (
    set_id      VARCHAR NOT NULL,
    week        DATE NOT NULL,
    mission     VARCHAR NOT NULL,
    section     VARCHAR NOT NULL CHECK (section IN ('judgements', 'outlook', 'recommendations', 'threats', 'decisions')),
    position    INTEGER NOT NULL,
    text        VARCHAR NOT NULL,
    likelihood  VARCHAR,                -- judgements: a word of the probability yardstick
    confidence  VARCHAR,                -- judgements: low | moderate | high
    owner       VARCHAR,                -- decisions
    due         DATE,                   -- decisions
    status      VARCHAR                 -- decisions: open | in_progress | closed
);
