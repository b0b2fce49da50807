-- floor_id: every raw request row counted in an hourly rollup has an id
-- above it (the largest id stored before the writer's transaction; the
-- smallest of those over the writes that added to the rollup). NULL when
-- an older release wrote to the rollup: unknown. Requests with a since
-- bound starts its walk by id there instead of at the first row.
ALTER TABLE gmd_rollups ADD COLUMN floor_id {{int}};
-- Daily rollups also per instance, so that a window's figures by
-- instance read days too. They are folded again from the hourly rollups:
-- the watermark goes back to the start and the totals are made anew.
DROP TABLE gmd_daily;
CREATE TABLE gmd_daily (
    endpoint_id {{int}} NOT NULL,
    day_us {{int}} NOT NULL,
    version_id {{int}} NOT NULL,
    instance_id {{int}} NOT NULL,
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
    PRIMARY KEY (endpoint_id, day_us, version_id, instance_id)
) {{without_rowid}} {{table}};
CREATE INDEX gmd_daily_day ON gmd_daily (day_us);
DELETE FROM gmd_totals;
UPDATE gmd_derived SET value = 0, changes = changes + 1 WHERE name = 'daily';
