package chart

import (
	"math"
	"testing"
)

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    float64
		unit string
		want string
	}{
		{"zero duration", 0, "ms", "0 ms"},
		{"microseconds", 0.0042, "ms", "4.2 µs"},
		{"sub-millisecond", 0.42, "ms", "0.42 ms"},
		{"sub-millisecond rounds up to 1 ms", 0.996, "ms", "1 ms"},
		{"milliseconds with a decimal", 1.26, "ms", "1.3 ms"},
		{"whole milliseconds", 12.4, "ms", "12 ms"},
		{"hundreds of milliseconds", 999.4, "ms", "999 ms"},
		{"just under a second rounds to seconds", 999.7, "ms", "1 s"},
		{"seconds", 1260, "ms", "1.3 s"},
		{"tens of seconds", 45000, "ms", "45 s"},
		{"minutes", 150000, "ms", "2.5 min"},
		{"hours", 4.5 * 3600000, "ms", "4.5 h"},
		{"days", 3 * 86400000, "ms", "3 d"},
		{"seconds unit", 1.5, "s", "1.5 s"},
		{"negative duration", -12, "ms", "-12 ms"},
		{"count", 1234, "requests", "1,234 requests"},
		{"singular", 1, "requests", "1 request"},
		{"bare count", 9999, "", "9,999"},
		{"thousands", 12345, "", "12.3k"},
		{"hundred thousands", 123456, "", "123k"},
		{"rounds up into millions", 999600, "", "1M"},
		{"millions", 1234567, "", "1.23M"},
		{"billions", 4.2e9, "", "4.2B"},
		{"trillions", 1e12, "", "1T"},
		{"beyond trillions", 1.5e16, "", "15,000T"},
		{"fraction", 0.4234, "", "0.423"},
		{"fraction above one", 12.34, "", "12.3"},
		{"percent", 12.345, "%", "12.3%"},
		{"bytes", 512, "B", "512 B"},
		{"megabytes", 1.25e6, "B", "1.25 MB"},
		{"NaN", math.NaN(), "ms", "–"},
		{"infinity", math.Inf(1), "", "∞"},
		{"negative infinity", math.Inf(-1), "", "-∞"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Format(tc.v, tc.unit); got != tc.want {
				t.Errorf("Format(%v, %q) = %q, want %q", tc.v, tc.unit, got, tc.want)
			}
		})
	}
}

func TestExact(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    float64
		unit string
		want string
	}{
		{"count in full", 48213, "requests", "48,213 requests"},
		{"large count in full", 123456789, "", "123,456,789"},
		{"fractional count", 12.345, "", "12.3"},
		{"fraction above a hundred", 123.45, "", "123.5"},
		{"duration to three digits", 12.44, "ms", "12.4 ms"},
		{"sub-millisecond", 0.4234, "ms", "0.423 ms"},
		{"seconds", 1234, "ms", "1.23 s"},
		{"minutes fall back to Format", 150000, "ms", "2.5 min"},
		{"negative", -3.21, "ms", "-3.21 ms"},
		{"singular", 1, "requests", "1 request"},
		{"NaN", math.NaN(), "ms", "–"},
		{"beyond exact", 1e16, "", "10,000T"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(appendExact(nil, tc.v, tc.unit)); got != tc.want {
				t.Errorf("appendExact(%v, %q) = %q, want %q", tc.v, tc.unit, got, tc.want)
			}
		})
	}
}
