package config

import (
	"fmt"
	"strings"
)

// Error is a setting that cannot be used, with what is needed to find and fix it.
//
// Key is the setting's INI name ("MONITOR_LEVEL"). It is empty when the problem is the file
// itself: then Value is the file name when the file cannot be read, or Line points at the bad
// line. Value is the offending value as written, except that it is left empty for secrets and
// for unknown keys (an unknown key may be a misspelled PASSWORD), and a database URL has its
// password replaced. Source is the file path, "env DASHBOARD_X" or "code"; Line is the line in
// the file, or 0.
type Error struct {
	Key, Value, Source string
	Line               int
	Msg                string
}

// Error reads like `dashboard: MONITOR_LEVEL "5" in dashboard.ini line 7: want 0, 1, 2 or 3`.
// Whether the value is shown is decided here from the key table, so a secret stays hidden
// even if someone fills Value by mistake.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("dashboard: ")
	switch {
	case e.Key == "" && e.Line == 0:
		fmt.Fprintf(&b, "config file %q (%s)", e.Value, from(e.Source))
	case e.Key == "":
		fmt.Fprintf(&b, "%s line %d", e.Source, e.Line)
	default:
		b.WriteString(e.Key)
		if def, ok := lookupKey(keyTable(), e.Key); ok {
			if def.Secret {
				b.WriteString(" (secret)")
			} else {
				fmt.Fprintf(&b, " %q", e.Value)
			}
		}
		b.WriteString(" in " + e.Source)
		if e.Line > 0 {
			fmt.Fprintf(&b, " line %d", e.Line)
		}
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// from says where a config file's name came from, for the message about that file.
func from(source string) string {
	if source == sourceCode {
		return "set in code"
	}
	return "from " + source
}
