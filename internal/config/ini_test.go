package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// flaskFile is the layout Flask-MonitoringDashboard documents, kept byte for byte.
const flaskFile = `[dashboard]
APP_VERSION=1.0
GIT=../.git/
CUSTOM_LINK=dashboard
MONITOR_LEVEL=3
OUTLIER_DETECTION_CONSTANT=2.5
SAMPLING_PERIOD=20
ENABLE_LOGGING=True
[authentication]
USERNAME=admin
PASSWORD=admin
GUEST_USERNAME=guest
GUEST_PASSWORD=['dashboardguest!', 'second_pw!']
SECURITY_TOKEN=cc83733cb0af8b884ff6577086b87909
[database]
TABLE_PREFIX=fmd
DATABASE=sqlite:///dashboard.db
[visualization]
TIMEZONE=Europe/Amsterdam
COLORS={'main':'[0,97,255]',
    'static':'[255,153,0]'}
`

func TestParseINI(t *testing.T) {
	t.Parallel()
	type kv = iniSetting
	tests := []struct {
		name string
		in   string
		want []iniSection
	}{
		{"empty file", "", nil},
		{"only comments and blanks", "# a\n; b\n\n   \n  # indented\n", nil},
		{"equals and colon", "[dashboard]\nA=1\nB: 2\nC = x = y\nD:sqlite:///x\n", []iniSection{{Name: "dashboard", Line: 1, Settings: []kv{
			{"A", "1", 2}, {"B", "2", 3}, {"C", "x = y", 4}, {"D", "sqlite:///x", 5}}}}},
		{"first delimiter splits", "[s]\nDATABASE=mysql://u:p@h/db\n", []iniSection{{Name: "s", Line: 1, Settings: []kv{{"DATABASE", "mysql://u:p@h/db", 2}}}}},
		{"keys upper, sections lower", "[DashBoard]\nmonitor_Level=2\n", []iniSection{{Name: "dashboard", Line: 1, Settings: []kv{{"MONITOR_LEVEL", "2", 2}}}}},
		{"whitespace trimmed", "  [ dashboard ]  \n\tA \t=\t v w \t\r\n", []iniSection{{Name: "dashboard", Line: 1, Settings: []kv{{"A", "v w", 2}}}}},
		{"CRLF", "[d]\r\nA=1\r\nB=2\r\n", []iniSection{{Name: "d", Line: 1, Settings: []kv{{"A", "1", 2}, {"B", "2", 3}}}}},
		{"BOM skipped", "\uFEFF[d]\nA=1\n", []iniSection{{Name: "d", Line: 1, Settings: []kv{{"A", "1", 2}}}}},
		{"empty value", "[d]\nA=\nB:\n", []iniSection{{Name: "d", Line: 1, Settings: []kv{{"A", "", 2}, {"B", "", 3}}}}},
		{"double quotes removed", "[d]\nA=\" padded \"\n", []iniSection{{Name: "d", Line: 1, Settings: []kv{{"A", " padded ", 2}}}}},
		{"single quotes removed", "[d]\nTIMEZONE='Europe/Amsterdam'\n", []iniSection{{Name: "d", Line: 1, Settings: []kv{{"TIMEZONE", "Europe/Amsterdam", 2}}}}},
		{"quotes that are not a pair kept", "[d]\nA='a', 'b'\nB=\"x\nC='\n", []iniSection{{Name: "d", Line: 1, Settings: []kv{
			{"A", "'a', 'b'", 2}, {"B", "\"x", 3}, {"C", "'", 4}}}}},
		{"inline # is part of the value", "[d]\nPASSWORD=a#b ;c\n", []iniSection{{Name: "d", Line: 1, Settings: []kv{{"PASSWORD", "a#b ;c", 2}}}}},
		{"continuation", "[d]\nA=one\n  two\n\tthree\nB=2\n", []iniSection{{Name: "d", Line: 1, Settings: []kv{{"A", "one\ntwo\nthree", 2}, {"B", "2", 5}}}}},
		{"continuation keeps inner blank lines, drops trailing", "[d]\nA=one\n\n  two\n\n\nB=2\n", []iniSection{{Name: "d", Line: 1, Settings: []kv{{"A", "one\n\ntwo", 2}, {"B", "2", 7}}}}},
		{"comment inside continuation skipped", "[d]\nA=one\n  # not part\n  two\n", []iniSection{{Name: "d", Line: 1, Settings: []kv{{"A", "one\ntwo", 2}}}}},
		{"continuation relative to key indent", "[d]\n  A=1\n  B=2\n    more\n", []iniSection{{Name: "d", Line: 1, Settings: []kv{{"A", "1", 2}, {"B", "2\nmore", 3}}}}},
		{"value on the next line", "[d]\nA=\n  x\n", []iniSection{{Name: "d", Line: 1, Settings: []kv{{"A", "\nx", 2}}}}},
		{"indented line after header is a key", "[d]\n  A=1\n", []iniSection{{Name: "d", Line: 1, Settings: []kv{{"A", "1", 2}}}}},
		{"indented header continues a value", "[d]\nA=1\n  [x]\n", []iniSection{{Name: "d", Line: 1, Settings: []kv{{"A", "1\n[x]", 2}}}}},
		{"header with comment", "[d] # main\nA=1\n", []iniSection{{Name: "d", Line: 1, Settings: []kv{{"A", "1", 2}}}}},
		{"repeated section kept apart", "[a]\nX=1\n[b]\n[a]\nY=2\n", []iniSection{
			{Name: "a", Line: 1, Settings: []kv{{"X", "1", 2}}}, {Name: "b", Line: 3}, {Name: "a", Line: 4, Settings: []kv{{"Y", "2", 5}}}}},
		{"Flask file", flaskFile, []iniSection{
			{Name: "dashboard", Line: 1, Settings: []kv{{"APP_VERSION", "1.0", 2}, {"GIT", "../.git/", 3}, {"CUSTOM_LINK", "dashboard", 4},
				{"MONITOR_LEVEL", "3", 5}, {"OUTLIER_DETECTION_CONSTANT", "2.5", 6}, {"SAMPLING_PERIOD", "20", 7}, {"ENABLE_LOGGING", "True", 8}}},
			{Name: "authentication", Line: 9, Settings: []kv{{"USERNAME", "admin", 10}, {"PASSWORD", "admin", 11}, {"GUEST_USERNAME", "guest", 12},
				{"GUEST_PASSWORD", "['dashboardguest!', 'second_pw!']", 13}, {"SECURITY_TOKEN", "cc83733cb0af8b884ff6577086b87909", 14}}},
			{Name: "database", Line: 15, Settings: []kv{{"TABLE_PREFIX", "fmd", 16}, {"DATABASE", "sqlite:///dashboard.db", 17}}},
			{Name: "visualization", Line: 18, Settings: []kv{{"TIMEZONE", "Europe/Amsterdam", 19},
				{"COLORS", "{'main':'[0,97,255]',\n'static':'[255,153,0]'}", 20}}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseINI("x.ini", []byte(tt.in))
			if err != nil {
				t.Fatalf("parseINI: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseINI(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseINIErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		line     int
		msg      string
	}{
		{"setting before section", "# top\nPASSWORD=hunter2\n", 2, "before any [section]"},
		{"no delimiter", "[d]\nPASSWORD hunter2\n", 2, "want KEY=value"},
		{"empty key", "[d]\n=hunter2\n", 2, "want KEY=value"},
		{"bad key name", "[d]\nPASS WORD=hunter2\n", 2, "KEY is letters"},
		{"unclosed header", "[dashboard\n", 1, `must end with "]"`},
		{"junk after header", "[dashboard] x\n", 1, `must end with "]"`},
		{"empty section name", "[]\n", 1, "section name"},
		{"bad section name", "[a b]\n", 1, "section name"},
		{"line numbers count blank and comment lines", "[d]\n\n# c\n\nnope\n", 5, "want KEY=value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseINI("x.ini", []byte(tt.in))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("parseINI(%q) = %v, want *Error", tt.in, err)
			}
			if e.Line != tt.line || e.Source != "x.ini" || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("got %+v, want line %d in x.ini with %q", e, tt.line, tt.msg)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("message repeats the line's text: %v", err)
			}
		})
	}
}

// FuzzParseINI checks that the parser never panics, that what it reads is well formed, and
// that writing it back out and reading it again gives the same sections, keys and values.
func FuzzParseINI(f *testing.F) {
	for _, s := range []string{
		flaskFile,
		"",
		"[d]\nA=1\n",
		"\uFEFF[d]\r\nA : 1\r\n",
		"[d]\nA=one\n\n  two\n\n\n# c\n  three\nB=2\n",
		"[d]\n  A=1\n    [x]\n  B='\"q\"'\n",
		"[d]\nA=\"'\"\nB='\"'\nC=\"\"\nD=''\n",
		"[d]\nA=\n  x\n  'y'\n",
		"[a]\n[b] ; c\n[a]\nK=v\n",
		"A=1\n",
		"[d]\nnope\n",
		"[d\n",
		"[d]\nk=\x00\xff\u00a0v\u0085\n",
		"[0]\n0=\" \"",                    // found by fuzzing: quotes that keep spaces
		"[0]\n0=\n \"'",                   // found by fuzzing: a leading newline needs no quotes
		"[d]\nA=\"x\n  \"\nB=\"\n  y\"\n", // quotes that keep newlines at the ends
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sections, err := parseINI("fuzz.ini", data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Line < 1 || e.Source != "fuzz.ini" {
				t.Fatalf("error %v is not an *Error with a line", err)
			}
			return
		}
		lastLine := 0
		for _, s := range sections {
			if !isName(s.Name) || s.Name != strings.ToLower(s.Name) || s.Line <= lastLine {
				t.Fatalf("bad section %+v after line %d", s, lastLine)
			}
			lastLine = s.Line
			for _, kv := range s.Settings {
				if !isName(kv.Key) || kv.Key != strings.ToUpper(kv.Key) || kv.Line <= lastLine {
					t.Fatalf("bad setting %+v after line %d", kv, lastLine)
				}
				lastLine = kv.Line
			}
		}
		text, ok := formatINI(sections)
		if !ok {
			t.Fatalf("parsed value cannot be written back: %+v", sections)
		}
		again, err := parseINI("fuzz.ini", []byte(text))
		if err != nil {
			t.Fatalf("re-parse of %q: %v", text, err)
		}
		if !reflect.DeepEqual(withoutLines(again), withoutLines(sections)) {
			t.Fatalf("round trip changed the file\nfirst  %+v\nsecond %+v\ntext %q", sections, again, text)
		}
	})
}

// formatINI writes sections back out, quoting a value only when reading it raw would change it.
// ok is false for a value no quoting can keep, which the parser should never produce.
func formatINI(sections []iniSection) (text string, ok bool) {
	var b strings.Builder
	for _, s := range sections {
		b.WriteString("[" + s.Name + "]\n")
		for _, kv := range s.Settings {
			v := kv.Value
			if !survivesRaw(v) {
				q := `"`
				if strings.Contains(v, q) {
					q = "'"
				}
				if strings.Contains(v, q) {
					return "", false
				}
				v = q + v + q
			}
			b.WriteString(kv.Key + "=" + strings.ReplaceAll(v, "\n", "\n ") + "\n")
		}
	}
	return b.String(), true
}

// survivesRaw reports whether v reads back unchanged when written without quotes: no quotes to
// strip, no white space at the ends of a line (each line is trimmed), no newline at the end
// (trailing blank lines are dropped). A newline at the start is kept: the first line is empty.
func survivesRaw(v string) bool {
	for _, line := range strings.Split(v, "\n") {
		if strings.TrimSpace(line) != line {
			return false
		}
	}
	return unquote(v) == v && !strings.HasSuffix(v, "\n")
}

func withoutLines(sections []iniSection) []iniSection {
	out := make([]iniSection, len(sections))
	for i, s := range sections {
		out[i] = iniSection{Name: s.Name}
		for _, kv := range s.Settings {
			out[i].Settings = append(out[i].Settings, iniSetting{Key: kv.Key, Value: kv.Value})
		}
	}
	return out
}
