-- Test and benchmark results uploaded from CI, per version (gmd upload).
-- A run is stored once per service and run_key; content_hash tells a run
-- sent again from a different one under the same key. Test and benchmark
-- names are named once in gmd_ci_names and referred to by id.
CREATE TABLE gmd_ci_runs (
    id {{pk}},
    service {{key}} NOT NULL,
    run_key {{key}} NOT NULL,
    content_hash {{key}} NOT NULL,
    version {{key}} NOT NULL,
    commit_id {{key}} NOT NULL,
    branch {{key}} NOT NULL,
    goos {{key}} NOT NULL,
    goarch {{key}} NOT NULL,
    cpu {{key}} NOT NULL,
    started_us {{int}} NOT NULL,
    uploaded_us {{int}} NOT NULL,
    packages {{int}} NOT NULL,
    tests {{int}} NOT NULL,
    passed {{int}} NOT NULL,
    failed {{int}} NOT NULL,
    skipped {{int}} NOT NULL,
    bench_results {{int}} NOT NULL,
    UNIQUE (service, run_key)
) {{table}};
CREATE INDEX gmd_ci_runs_version ON gmd_ci_runs (service, version);
CREATE TABLE gmd_ci_names (
    id {{pk}},
    package {{key}} NOT NULL,
    name {{key}} NOT NULL,
    UNIQUE (package, name)
) {{table}};
CREATE TABLE gmd_ci_packages (
    run_id {{int}} NOT NULL,
    package {{key}} NOT NULL,
    outcome {{key}} NOT NULL,
    elapsed_us {{int}} NOT NULL,
    PRIMARY KEY (run_id, package)
) {{without_rowid}} {{table}};
CREATE TABLE gmd_ci_tests (
    run_id {{int}} NOT NULL,
    name_id {{int}} NOT NULL,
    seq {{int}} NOT NULL,
    outcome {{key}} NOT NULL,
    elapsed_us {{int}} NOT NULL,
    PRIMARY KEY (run_id, name_id, seq)
) {{without_rowid}} {{table}};
CREATE INDEX gmd_ci_tests_name ON gmd_ci_tests (name_id);
CREATE TABLE gmd_ci_benchmarks (
    run_id {{int}} NOT NULL,
    name_id {{int}} NOT NULL,
    procs {{int}} NOT NULL,
    seq {{int}} NOT NULL,
    iterations {{int}} NOT NULL,
    ord {{int}} NOT NULL,
    unit {{key}} NOT NULL,
    value {{real}} NOT NULL,
    PRIMARY KEY (run_id, name_id, procs, seq, unit)
) {{without_rowid}} {{table}};
CREATE INDEX gmd_ci_benchmarks_name ON gmd_ci_benchmarks (name_id);
