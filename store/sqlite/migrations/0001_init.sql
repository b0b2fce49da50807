-- Endpoints, versions and instances are named once and referred to by id,
-- which keeps a request row to about 60 bytes.
CREATE TABLE gmd_endpoints (
    id INTEGER PRIMARY KEY,
    service TEXT NOT NULL,
    name TEXT NOT NULL,
    level INTEGER NOT NULL,
    first_seen_us INTEGER NOT NULL,
    last_requested_us INTEGER,
    UNIQUE (service, name)
);
CREATE TABLE gmd_endpoint_methods (
    endpoint_id INTEGER NOT NULL,
    method TEXT NOT NULL,
    PRIMARY KEY (endpoint_id, method)
);
CREATE TABLE gmd_versions (
    id INTEGER PRIMARY KEY,
    service TEXT NOT NULL,
    name TEXT NOT NULL,
    first_seen_us INTEGER NOT NULL,
    UNIQUE (service, name)
);
CREATE TABLE gmd_instances (
    id INTEGER PRIMARY KEY,
    service TEXT NOT NULL,
    name TEXT NOT NULL,
    first_seen_us INTEGER NOT NULL,
    UNIQUE (service, name)
);
CREATE TABLE gmd_requests (
    id INTEGER PRIMARY KEY,
    endpoint_id INTEGER NOT NULL,
    version_id INTEGER NOT NULL,
    instance_id INTEGER NOT NULL,
    method TEXT NOT NULL,
    status INTEGER NOT NULL,
    start_us INTEGER NOT NULL,
    duration_us INTEGER NOT NULL,
    grp TEXT NOT NULL,
    ip TEXT NOT NULL
);
CREATE INDEX gmd_requests_endpoint_start ON gmd_requests (endpoint_id, start_us);
CREATE INDEX gmd_requests_start ON gmd_requests (start_us);
CREATE TABLE gmd_rollups (
    endpoint_id INTEGER NOT NULL,
    hour_us INTEGER NOT NULL,
    version_id INTEGER NOT NULL,
    instance_id INTEGER NOT NULL,
    hits INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    s0 INTEGER NOT NULL,
    s1 INTEGER NOT NULL,
    s2 INTEGER NOT NULL,
    s3 INTEGER NOT NULL,
    s4 INTEGER NOT NULL,
    s5 INTEGER NOT NULL,
    sum_us INTEGER NOT NULL,
    min_us INTEGER NOT NULL,
    max_us INTEGER NOT NULL,
    PRIMARY KEY (endpoint_id, hour_us, version_id, instance_id)
) WITHOUT ROWID;
CREATE INDEX gmd_rollups_hour ON gmd_rollups (hour_us);
CREATE TABLE gmd_rollup_buckets (
    endpoint_id INTEGER NOT NULL,
    hour_us INTEGER NOT NULL,
    version_id INTEGER NOT NULL,
    instance_id INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (endpoint_id, hour_us, version_id, instance_id, bucket)
) WITHOUT ROWID;
CREATE INDEX gmd_rollup_buckets_hour ON gmd_rollup_buckets (hour_us);
CREATE TABLE gmd_counters (
    instance_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (instance_id, name)
);
