-- The dashboard's own accounts, logins and settings, shared by every
-- service using the database. Hashes are PHC strings, one per line.
CREATE TABLE gmd_users (
    name {{key}} NOT NULL PRIMARY KEY,
    role {{key}} NOT NULL,
    hashes {{text}} NOT NULL,
    seed {{text}} NOT NULL,
    created_us {{int}} NOT NULL,
    changed_us {{int}} NOT NULL
) {{without_rowid}} {{table}};
CREATE TABLE gmd_sessions (
    id {{key}} NOT NULL PRIMARY KEY,
    user_name {{key}} NOT NULL,
    created_us {{int}} NOT NULL,
    expires_us {{int}} NOT NULL
) {{without_rowid}} {{table}};
CREATE INDEX gmd_sessions_user ON gmd_sessions (user_name);
CREATE INDEX gmd_sessions_expires ON gmd_sessions (expires_us);
CREATE TABLE gmd_settings (
    name {{key}} NOT NULL PRIMARY KEY,
    value {{text}} NOT NULL
) {{without_rowid}} {{table}};
