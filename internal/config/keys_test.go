package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// exampleValues holds a valid value other than the default for every key. A new key needs one
// here, which makes the tests below check that it is wired to its field.
func exampleValues() map[string]string {
	return map[string]string{
		"DATABASE":                    "postgres://u:pw@db.internal/metrics",
		"CUSTOM_LINK":                 "ops/metrics",
		"APP_VERSION":                 "2.4.1",
		"GIT":                         "/srv/app/.git",
		"USERNAME":                    "root",
		"PASSWORD":                    "correct horse battery",
		"GUEST_USERNAME":              "viewer",
		"GUEST_PASSWORD":              "['first one', \"second one\"]",
		"OUTLIER_DETECTION_CONSTANT":  "3",
		"MONITOR_LEVEL":               "2",
		"SECURITY_TOKEN":              "0123456789abcdef0123",
		"TIMEZONE":                    "Europe/Amsterdam",
		"SERVICE_NAME":                "books",
		"INSTANCE":                    "books-7",
		"TRUSTED_PROXIES":             "10.0.0.0/8 fd00::/8",
		"QUEUE_SIZE":                  "100",
		"BATCH_SIZE":                  "10",
		"FLUSH_INTERVAL":              "250ms",
		"BACKLOG_LIMIT":               "5",
		"SAMPLING_PERIOD":             "5ms",
		"RAW_RETENTION_DAYS":          "7",
		"ROLLUP_RETENTION_DAYS":       "30",
		"DAILY_RETENTION_DAYS":        "400",
		"GROUP_LIMIT":                 "250",
		"OUTLIER_MIN_REQUESTS":        "5",
		"OUTLIER_MIN_DURATION":        "50ms",
		"OUTLIER_CAPTURES_PER_MINUTE": "60",
		"OUTLIER_REDACT":              "X-Tenant, /^x-internal-/",
		"LEVEL_REFRESH_INTERVAL":      "1m",
		"QUERY_BUDGET":                "3",
		"QUERY_QUEUE":                 "20",
		"QUERY_CACHE":                 "5m",
		"READ_CONNECTIONS":            "4",
		"RAW_SAMPLE_RATE":             "10",
		"PROFILE_INTERVAL":            "10s",
	}
}

// TestKeysCoverConfig fails when a Config field has no key, or a key no field, so nothing is
// added without being documented in Keys and MarkdownTable.
func TestKeysCoverConfig(t *testing.T) {
	t.Parallel()
	var fields []string
	typ := reflect.TypeFor[Config]()
	for i := range typ.NumField() {
		if name := typ.Field(i).Name; name != "Entries" && name != "Warnings" {
			fields = append(fields, name)
		}
	}
	var keyFields []string
	for _, d := range keyTable() {
		keyFields = append(keyFields, d.field)
	}
	if !reflect.DeepEqual(keyFields, fields) {
		t.Errorf("key table fields, in order:\n%q\nConfig fields:\n%q", keyFields, fields)
	}

	seen := map[string]bool{}
	for _, k := range Keys() {
		if seen[k.Name] {
			t.Errorf("%s listed twice", k.Name)
		}
		seen[k.Name] = true
		if !isName(k.Name) || k.Name != strings.ToUpper(k.Name) {
			t.Errorf("%s: want an upper-case INI name", k.Name)
		}
		if len(k.Description) < 20 || !strings.HasSuffix(k.Description, ".") {
			t.Errorf("%s: description %q: want a sentence", k.Name, k.Description)
		}
		if k.FlaskSection != "" && !knownSection(k.FlaskSection) {
			t.Errorf("%s: unknown Flask section %q", k.Name, k.FlaskSection)
		}
		if _, _, ignored := ignoredFlaskKey(k.Name); ignored {
			t.Errorf("%s is both a key and an ignored Flask key", k.Name)
		}
		if k.Secret && k.Default != "" {
			t.Errorf("%s: a secret must not have a default", k.Name)
		}
	}
}

// TestKeysSetTheirField checks each key's parser stores the example in its own field and no
// other.
func TestKeysSetTheirField(t *testing.T) {
	t.Parallel()
	examples := exampleValues()
	for _, d := range keyTable() {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			v, ok := examples[d.Name]
			if !ok {
				t.Fatalf("no example value for %s; add one to exampleValues", d.Name)
			}
			var before, after Config
			if err := d.set(&after, v); err != nil {
				t.Fatalf("set(%q): %v", v, err)
			}
			bv, av := reflect.ValueOf(before), reflect.ValueOf(after)
			for i := range av.NumField() {
				name := av.Type().Field(i).Name
				changed := !reflect.DeepEqual(bv.Field(i).Interface(), av.Field(i).Interface())
				if changed != (name == d.field) {
					t.Errorf("field %s changed = %v", name, changed)
				}
			}
			// The example must differ from the default, or the precedence tests prove nothing.
			defaults := mustLoad(t, Options{})
			if reflect.DeepEqual(field(t, defaults, d.Name), av.FieldByName(d.field).Interface()) {
				t.Errorf("example %q equals the default", v)
			}
		})
	}
}

func TestMarkdownTable(t *testing.T) {
	t.Parallel()
	table := MarkdownTable()
	lines := strings.Split(strings.TrimSuffix(table, "\n"), "\n")
	if lines[0] != "| Key | Default | Meaning |" {
		t.Errorf("header = %q", lines[0])
	}
	rows := map[string]int{}
	for _, line := range lines[2:] {
		cells := strings.Split(line, " | ")
		if len(cells) != 3 {
			t.Errorf("row %q: want 3 cells", line)
			continue
		}
		rows[strings.Trim(cells[0], "|` ")]++
	}
	for _, k := range Keys() {
		if n := rows[envPrefix+k.Name]; n != 1 {
			t.Errorf("%s%s appears in %d rows, want 1", envPrefix, k.Name, n)
		}
	}
	if len(rows) != len(Keys()) || len(lines) != len(Keys())+2 {
		t.Errorf("%d rows for %d keys:\n%s", len(lines)-2, len(Keys()), table)
	}
}

// TestDefaultsLoad checks that every default of the key table parses, and
// that Defaults gives each key its Default, from nowhere else.
func TestDefaultsLoad(t *testing.T) {
	t.Parallel()
	c := Defaults()
	keys := Keys()
	if len(c.Entries) != len(keys) {
		t.Fatalf("%d entries, want %d", len(c.Entries), len(keys))
	}
	for i, k := range keys {
		e := c.Entries[i]
		if e.Source != sourceDefault {
			t.Errorf("%s comes from %q, want the default", k.Name, e.Source)
		}
		if !strings.HasPrefix(k.Default, "<") && !k.Secret && e.Value != k.Default {
			t.Errorf("%s = %q, want the table's default %q", k.Name, e.Value, k.Default)
		}
	}
	// The settings other packages read from Defaults, as their options'
	// zero values.
	if c.QueueSize != 16384 || c.BatchSize != 1000 || c.FlushInterval != time.Second || c.BacklogLimit != 100000 {
		t.Errorf("recorder defaults %d, %d, %v, %d", c.QueueSize, c.BatchSize, c.FlushInterval, c.BacklogLimit)
	}
	if c.OutlierConstant != 2.5 || c.SamplingPeriod != 10*time.Millisecond || c.ProfileInterval != time.Minute || c.MonitorLevel != 1 {
		t.Errorf("outlier defaults %v, %v, %v, level %d", c.OutlierConstant, c.SamplingPeriod, c.ProfileInterval, c.MonitorLevel)
	}
}
