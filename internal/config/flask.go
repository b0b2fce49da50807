package config

import "strings"

// What the INI file may hold beyond the key table, so that a Flask-MonitoringDashboard file
// loads unchanged: Flask's sections, and the Flask keys this dashboard has no use for.

// sectionNames are the sections a file may have. Any key may sit under [dashboard]; the others
// hold the keys Flask puts there.
func sectionNames() []string {
	return []string{"dashboard", "authentication", "database", "visualization"}
}

func knownSection(name string) bool {
	for _, s := range sectionNames() {
		if s == name {
			return true
		}
	}
	return false
}

// ignoredFlaskKey reports whether name is a Flask-MonitoringDashboard setting this dashboard
// accepts but does not use, the section Flask puts it in, and what to do instead if anything.
func ignoredFlaskKey(name string) (section, hint string, ok bool) {
	switch name {
	case "ENABLE_LOGGING", "BRAND_NAME", "TITLE_NAME", "DESCRIPTION",
		"SHOW_LOGIN_BANNER", "SHOW_LOGIN_FOOTER", "TEST_DIR":
		return "dashboard", "", true
	case "OUTLIERS_ENABLED":
		return "dashboard", "outliers are captured for endpoints at MONITOR_LEVEL 2 or 3", true
	case "SAMPLING_RATE":
		return "dashboard", "rename it SAMPLING_PERIOD", true
	case "TABLE_PREFIX":
		return "database", "", true
	case "COLORS":
		return "visualization", "colors come from a hash of each name", true
	}
	return "", "", false
}

// allowedIn reports whether a key may sit in section. flaskSection "" means [dashboard] only.
func allowedIn(section, flaskSection string) bool {
	return section == "dashboard" || section == flaskSection
}

// belongs is the end of a wrong-section message: where the key may go instead.
func belongs(section, flaskSection string) string {
	if flaskSection == "" || flaskSection == "dashboard" {
		return "belongs under [dashboard], not [" + section + "]"
	}
	return "belongs under [" + flaskSection + "] or [dashboard], not [" + section + "]"
}

// keysIn lists the keys that may sit in section, for an unknown-key message.
func keysIn(defs []keyDef, section string) string {
	var names []string
	for _, d := range defs {
		if allowedIn(section, d.FlaskSection) {
			names = append(names, d.Name)
		}
	}
	return strings.Join(names, ", ")
}
