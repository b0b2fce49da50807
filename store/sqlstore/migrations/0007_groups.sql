-- Per-user and per-IP figures per endpoint and UTC day, so that the
-- endpoint page never reads raw rows for them (store/groups.go). kind is
-- 0 for users, 1 for client addresses. The first GROUP_LIMIT names of a
-- day get exact rollups, with their histograms (all versions together).
CREATE TABLE gmd_group_rollups (
    endpoint_id {{int}} NOT NULL,
    kind {{int}} NOT NULL,
    day_us {{int}} NOT NULL,
    name {{key}} NOT NULL,
    version_id {{int}} NOT NULL,
    hits {{int}} NOT NULL,
    sum_us {{int}} NOT NULL,
    min_us {{int}} NOT NULL,
    max_us {{int}} NOT NULL,
    PRIMARY KEY (endpoint_id, kind, day_us, name, version_id)
) {{without_rowid}} {{table}};
CREATE INDEX gmd_group_rollups_day ON gmd_group_rollups (day_us);
CREATE TABLE gmd_group_buckets (
    endpoint_id {{int}} NOT NULL,
    kind {{int}} NOT NULL,
    day_us {{int}} NOT NULL,
    name {{key}} NOT NULL,
    bucket {{int}} NOT NULL,
    hits {{int}} NOT NULL,
    PRIMARY KEY (endpoint_id, kind, day_us, name, bucket)
) {{without_rowid}} {{table}};
CREATE INDEX gmd_group_buckets_day ON gmd_group_buckets (day_us);
-- The names beyond GROUP_LIMIT: each writing instance keeps a
-- Space-Saving summary of slots counters per endpoint, kind and day. err
-- is the most hits overstates the name's requests; sum_us is the time of
-- the hits - err requests seen while the name held its counter.
CREATE TABLE gmd_group_sketch (
    endpoint_id {{int}} NOT NULL,
    kind {{int}} NOT NULL,
    day_us {{int}} NOT NULL,
    instance_id {{int}} NOT NULL,
    name {{key}} NOT NULL,
    hits {{int}} NOT NULL,
    err {{int}} NOT NULL,
    sum_us {{int}} NOT NULL,
    slots {{int}} NOT NULL,
    PRIMARY KEY (endpoint_id, kind, day_us, instance_id, name)
) {{without_rowid}} {{table}};
CREATE INDEX gmd_group_sketch_day ON gmd_group_sketch (day_us);
