-- Rollups at coarser resolutions, folded from closed hourly rollups in the
-- background (sqlstore's DeriveDay and RederiveTouched), so that long
-- windows read a row per UTC day, and "all time" one row per endpoint and
-- version, instead of a row per hour. Both keep the hourly rollups'
-- figures; hist is their summed histogram, encoded by sqlstore (pairs of
-- varints: bucket delta, count). last_5xx_us is the start of the last hour
-- with a 5xx response (0: none).
CREATE TABLE gmd_daily (
    endpoint_id {{int}} NOT NULL,
    day_us {{int}} NOT NULL,
    version_id {{int}} NOT NULL,
    hits {{int}} NOT NULL,
    errors {{int}} NOT NULL,
    s0 {{int}} NOT NULL,
    s1 {{int}} NOT NULL,
    s2 {{int}} NOT NULL,
    s3 {{int}} NOT NULL,
    s4 {{int}} NOT NULL,
    s5 {{int}} NOT NULL,
    sum_us {{int}} NOT NULL,
    min_us {{int}} NOT NULL,
    max_us {{int}} NOT NULL,
    last_5xx_us {{int}} NOT NULL,
    hist {{blob}} NOT NULL,
    PRIMARY KEY (endpoint_id, day_us, version_id)
) {{without_rowid}} {{table}};
CREATE INDEX gmd_daily_day ON gmd_daily (day_us);
CREATE TABLE gmd_totals (
    endpoint_id {{int}} NOT NULL,
    version_id {{int}} NOT NULL,
    hits {{int}} NOT NULL,
    errors {{int}} NOT NULL,
    s0 {{int}} NOT NULL,
    s1 {{int}} NOT NULL,
    s2 {{int}} NOT NULL,
    s3 {{int}} NOT NULL,
    s4 {{int}} NOT NULL,
    s5 {{int}} NOT NULL,
    sum_us {{int}} NOT NULL,
    min_us {{int}} NOT NULL,
    max_us {{int}} NOT NULL,
    last_5xx_us {{int}} NOT NULL,
    hist {{blob}} NOT NULL,
    PRIMARY KEY (endpoint_id, version_id)
) {{without_rowid}} {{table}};
-- The watermark of the derived rollups ('daily'): every hour before the
-- UTC midnight in value is folded into gmd_daily and gmd_totals (0: none
-- yet). Derivers and the pruners of rollups update this row first in
-- their transaction, which serializes them; changes counts the updates.
-- 'pruned' is the time before which hourly or daily rollups may have been
-- deleted: days before it are never folded again.
CREATE TABLE gmd_derived (
    name {{key}} NOT NULL PRIMARY KEY,
    value {{int}} NOT NULL,
    changes {{int}} NOT NULL
) {{without_rowid}} {{table}};
INSERT INTO gmd_derived (name, value, changes) VALUES ('daily', 0, 0);
INSERT INTO gmd_derived (name, value, changes) VALUES ('pruned', 0, 0);
-- Raw rows of one endpoint in id order, for cursor paging without a sort.
CREATE INDEX gmd_requests_endpoint_id ON gmd_requests (endpoint_id, id);
