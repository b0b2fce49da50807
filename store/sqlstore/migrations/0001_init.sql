-- Migrations are written once for every database. The dialect expands:
--   {{pk}}   an auto-incrementing 64-bit primary key
--   {{int}}  a 64-bit integer          {{real}} a double
--   {{key}}  text that is indexed or compared (names; at most 255 characters)
--   {{text}} long text                 {{blob}} bytes
--   {{table}} table options (MySQL: InnoDB, utf8mb4, binary collation)
--   {{without_rowid}} SQLite's WITHOUT ROWID for tables keyed by their primary key
-- Endpoints, versions and instances are named once and referred to by id,
-- which keeps a request row to about 60 bytes.
CREATE TABLE gmd_endpoints (
    id {{pk}},
    service {{key}} NOT NULL,
    name {{key}} NOT NULL,
    level {{int}} NOT NULL,
    first_seen_us {{int}} NOT NULL,
    last_requested_us {{int}},
    UNIQUE (service, name)
) {{table}};
CREATE TABLE gmd_endpoint_methods (
    endpoint_id {{int}} NOT NULL,
    method {{key}} NOT NULL,
    PRIMARY KEY (endpoint_id, method)
) {{table}};
CREATE TABLE gmd_versions (
    id {{pk}},
    service {{key}} NOT NULL,
    name {{key}} NOT NULL,
    first_seen_us {{int}} NOT NULL,
    UNIQUE (service, name)
) {{table}};
CREATE TABLE gmd_instances (
    id {{pk}},
    service {{key}} NOT NULL,
    name {{key}} NOT NULL,
    first_seen_us {{int}} NOT NULL,
    UNIQUE (service, name)
) {{table}};
CREATE TABLE gmd_requests (
    id {{pk}},
    endpoint_id {{int}} NOT NULL,
    version_id {{int}} NOT NULL,
    instance_id {{int}} NOT NULL,
    method {{key}} NOT NULL,
    status {{int}} NOT NULL,
    start_us {{int}} NOT NULL,
    duration_us {{int}} NOT NULL,
    grp {{key}} NOT NULL,
    ip {{key}} NOT NULL
) {{table}};
CREATE INDEX gmd_requests_endpoint_start ON gmd_requests (endpoint_id, start_us);
CREATE INDEX gmd_requests_start ON gmd_requests (start_us);
CREATE TABLE gmd_rollups (
    endpoint_id {{int}} NOT NULL,
    hour_us {{int}} NOT NULL,
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
    PRIMARY KEY (endpoint_id, hour_us, version_id, instance_id)
) {{without_rowid}} {{table}};
CREATE INDEX gmd_rollups_hour ON gmd_rollups (hour_us);
CREATE TABLE gmd_rollup_buckets (
    endpoint_id {{int}} NOT NULL,
    hour_us {{int}} NOT NULL,
    version_id {{int}} NOT NULL,
    instance_id {{int}} NOT NULL,
    bucket {{int}} NOT NULL,
    hits {{int}} NOT NULL,
    PRIMARY KEY (endpoint_id, hour_us, version_id, instance_id, bucket)
) {{without_rowid}} {{table}};
CREATE INDEX gmd_rollup_buckets_hour ON gmd_rollup_buckets (hour_us);
CREATE TABLE gmd_counters (
    instance_id {{int}} NOT NULL,
    name {{key}} NOT NULL,
    value {{int}} NOT NULL,
    PRIMARY KEY (instance_id, name)
) {{table}};
