// Package config loads the dashboard's settings and says where each one came from.
//
// Four layers are merged, each overriding the one before it:
//
//  1. defaults (the key table in keys.go);
//  2. an INI file, named by Options.File or else by the DASHBOARD_CONFIG environment variable;
//  3. DASHBOARD_<KEY> environment variables;
//  4. values set in code (Options.Code).
//
// Every value that is given is checked, in every layer, so a mistake in the file is reported even
// while an environment variable happens to hide it. The first problem found is returned as an
// *Error that names the key, the value (never a secret) and where it was written.
//
// The INI file may keep Flask-MonitoringDashboard's layout (sections [dashboard],
// [authentication], [database], [visualization]) so that a team moving from Flask keeps its file.
//
// To add a setting, add a field to Config and a row to keyTable in the same position; the tests
// fail until both exist, the row is documented, and it sets that field.
package config
