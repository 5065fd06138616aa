-- Early warning (tnt_dash/alerts/, docs/alerts.md). An alert is one firing of a rule for one access
-- scope (a profile, or shared:ISO3 for a host State's screen), computed on what that scope sees. The
-- unique (rule, scope, firing) key is what makes a firing raised once only, however often the
-- evaluation runs. Status, watch lists and user rules are append-only event rows: a serving page
-- holds a read-only connection, so it spools its events and the next writer moves them here.
CREATE TABLE IF NOT EXISTS alert_rules (
    rule_id     VARCHAR PRIMARY KEY,
    owner       VARCHAR NOT NULL,       -- a signed-in user, or profile:NAME without sign-in
    scope       VARCHAR NOT NULL,       -- analyst | commissioner | gender | shared:ISO3
    market      VARCHAR,                -- NULL: every market
    admin1_code VARCHAR,                -- NULL: every area the scope sees
    measure     VARCHAR NOT NULL,       -- incidents | victims | women_children | fatalities
    threshold   DOUBLE,                 -- fires when the week's figure is at least this, or
    percent     DOUBLE,                 -- at least this % above the previous 4 weeks' mean
    min_base    DOUBLE DEFAULT 0,       -- with percent: the mean it needs to be worth a percentage
    created_at  TIMESTAMP NOT NULL,
    retired_at  TIMESTAMP
);
CREATE TABLE IF NOT EXISTS alerts (
    alert_id         VARCHAR PRIMARY KEY,   -- a hash of (rule_id, scope, firing_key)
    rule_id          VARCHAR NOT NULL,
    scope            VARCHAR NOT NULL,
    firing_key       VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL,      -- anomaly | surge | new_corridor | first_in_area | threshold
    week             DATE,                  -- the ISO week (Monday) the firing is about
    raised_at        TIMESTAMP NOT NULL,
    run_trigger      VARCHAR,               -- schedule | import
    admin1_code      VARCHAR,
    market           VARCHAR,
    origin_iso3      VARCHAR,
    destination_iso3 VARCHAR,
    measure          VARCHAR,
    observed         DOUBLE,
    expected         DOUBLE,                -- the baseline the figure is compared with
    expected_long    DOUBLE,                -- surge: the 52-week mean
    p_value          DOUBLE,
    q_value          DOUBLE,
    model            VARCHAR,
    UNIQUE (rule_id, scope, firing_key)
);
CREATE TABLE IF NOT EXISTS alert_events (
    event_id    VARCHAR PRIMARY KEY,
    alert_id    VARCHAR NOT NULL,
    action      VARCHAR NOT NULL CHECK (action IN ('acknowledge', 'close')),
    user_name   VARCHAR NOT NULL,
    note        VARCHAR,
    at_time     TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS watch_items (
    event_id    VARCHAR PRIMARY KEY,
    owner       VARCHAR NOT NULL,
    scope       VARCHAR NOT NULL,
    item_kind   VARCHAR NOT NULL CHECK (item_kind IN ('market', 'area', 'rule')),
    item_code   VARCHAR NOT NULL,
    following   BOOLEAN NOT NULL,
    at_time     TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS alert_scopes (
    scope             VARCHAR PRIMARY KEY,
    evaluated_through DATE NOT NULL,      -- the last ISO week (Monday) evaluated for this scope
    updated_at        TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS alert_runs (
    run_id      VARCHAR PRIMARY KEY,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    run_trigger VARCHAR NOT NULL,
    scopes      INTEGER,
    raised      INTEGER,
    error       VARCHAR
);
