package config

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	_ "time/tzdata" // zone names resolve on machines without a zone database
)

// writeINI writes a config file in a fresh directory and returns its path.
func writeINI(tb testing.TB, text string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "dashboard.ini")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

func mustLoad(tb testing.TB, opts Options) *Config {
	tb.Helper()
	c, err := Load(opts)
	if err != nil {
		tb.Fatalf("Load: %v", err)
	}
	return c
}

func entry(tb testing.TB, c *Config, key string) Entry {
	tb.Helper()
	for _, e := range c.Entries {
		if e.Key == key {
			return e
		}
	}
	tb.Fatalf("no entry for %s", key)
	return Entry{}
}

// field returns the Config field that key sets, found through the key table.
func field(tb testing.TB, c *Config, key string) any {
	tb.Helper()
	def, ok := lookupKey(keyTable(), key)
	if !ok {
		tb.Fatalf("unknown key %s", key)
	}
	return reflect.ValueOf(c).Elem().FieldByName(def.field).Interface()
}
