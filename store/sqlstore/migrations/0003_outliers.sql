-- Outliers, panics grouped by stack signature, and profiler samples.
-- Captured text (stacks, headers, goroutine dumps) is bounded in size by
-- the dashboard before it is written.
CREATE TABLE gmd_outliers (
    id {{pk}},
    endpoint_id {{int}} NOT NULL,
    version_id {{int}} NOT NULL,
    instance_id {{int}} NOT NULL,
    method {{key}} NOT NULL,
    url {{text}} NOT NULL,
    status {{int}} NOT NULL,
    start_us {{int}} NOT NULL,
    duration_us {{int}} NOT NULL,
    average_us {{int}} NOT NULL,
    threshold_us {{int}} NOT NULL,
    captured_after_us {{int}} NOT NULL,
    headers {{text}} NOT NULL,
    form_values {{text}} NOT NULL,
    stack {{text}} NOT NULL,
    goroutines {{text}} NOT NULL,
    host {{text}} NOT NULL
) {{table}};
CREATE INDEX gmd_outliers_endpoint_start ON gmd_outliers (endpoint_id, start_us);
CREATE INDEX gmd_outliers_endpoint_duration ON gmd_outliers (endpoint_id, duration_us);
CREATE TABLE gmd_error_groups (
    id {{pk}},
    endpoint_id {{int}} NOT NULL,
    signature {{key}} NOT NULL,
    value {{text}} NOT NULL,
    stack {{text}} NOT NULL,
    hits {{int}} NOT NULL,
    first_seen_us {{int}} NOT NULL,
    last_seen_us {{int}} NOT NULL,
    UNIQUE (endpoint_id, signature)
) {{table}};
CREATE TABLE gmd_error_versions (
    group_id {{int}} NOT NULL,
    version_id {{int}} NOT NULL,
    hits {{int}} NOT NULL,
    first_seen_us {{int}} NOT NULL,
    last_seen_us {{int}} NOT NULL,
    PRIMARY KEY (group_id, version_id)
) {{without_rowid}} {{table}};
CREATE TABLE gmd_profiles (
    id {{pk}},
    endpoint_id {{int}} NOT NULL,
    version_id {{int}} NOT NULL,
    instance_id {{int}} NOT NULL,
    start_us {{int}} NOT NULL,
    end_us {{int}} NOT NULL,
    samples {{int}} NOT NULL,
    wall_us {{int}} NOT NULL,
    data {{blob}} NOT NULL
) {{table}};
CREATE INDEX gmd_profiles_endpoint_version ON gmd_profiles (endpoint_id, version_id, start_us);
