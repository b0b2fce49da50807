package chart

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		name           string
		lo, hi         float64
		max            int
		wantLo, wantHi float64
		wantStep       float64
	}{
		{"round up to a hundred", 0, 97, 5, 0, 100, 20},
		{"unit range", 0, 1, 5, 0, 1, 0.2},
		{"quarter steps", 0, 12, 5, 0, 12.5, 2.5},
		{"negative and positive", -3.2, 8, 5, -5, 10, 5},
		{"all negative", -40, -3, 4, -40, 0, 10},
		{"huge", 0, 1e12, 5, 0, 1e12, 2e11},
		{"tiny", 0, 0.0031, 5, 0, 0.004, 0.001},
		{"offset range", 1001, 1009, 4, 1000, 1010, 2.5},
		{"empty range at zero", 0, 0, 5, 0, 1, 0.2},
		{"empty range above zero", 7, 7, 5, 0, 8, 2},
		{"reversed", 10, 0, 5, 0, 10, 2},
		{"NaN", math.NaN(), 1, 5, 0, 1, 0.2},
		{"infinite", 0, math.Inf(1), 5, 0, 1, 0.2},
		{"beyond the clamp", -1e300, 1e300, 4, -1e18, 1e18, 5e17},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lo, hi, step := niceTicks(tc.lo, tc.hi, tc.max)
			if !near(lo, tc.wantLo) || !near(hi, tc.wantHi) || !near(step, tc.wantStep) {
				t.Errorf("niceTicks(%v, %v, %d) = %v, %v, %v; want %v, %v, %v",
					tc.lo, tc.hi, tc.max, lo, hi, step, tc.wantLo, tc.wantHi, tc.wantStep)
			}
			if n := (hi - lo) / step; n > float64(tc.max)+0.5 {
				t.Errorf("%v intervals, want at most %d", n, tc.max)
			}
		})
	}
}

func near(a, b float64) bool {
	return a == b || math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

func TestLinearAxisLabels(t *testing.T) {
	for _, tc := range []struct {
		name   string
		lo, hi float64
		unit   string
		want   []string
	}{
		{"milliseconds", 0, 430, "ms", []string{"0 ms", "100 ms", "200 ms", "300 ms", "400 ms", "500 ms"}},
		{"seconds", 0, 1500, "ms", []string{"0 s", "0.5 s", "1 s", "1.5 s"}},
		{"sub-millisecond", 0, 0.42, "ms", []string{"0 ms", "0.1 ms", "0.2 ms", "0.3 ms", "0.4 ms", "0.5 ms"}},
		{"minutes", 0, 600000, "ms", []string{"0 min", "2 min", "4 min", "6 min", "8 min", "10 min"}},
		{"counts", 0, 1234, "requests", []string{"0", "250", "500", "750", "1,000", "1,250"}},
		{"thousands", 0, 12000, "requests", []string{"0", "2.5k", "5k", "7.5k", "10k", "12.5k"}},
		{"trillions", 0, 1e12, "", []string{"0", "0.2T", "0.4T", "0.6T", "0.8T", "1T"}},
		{"negative", -12, 8, "ms", []string{"-15 ms", "-10 ms", "-5 ms", "0 ms", "5 ms", "10 ms"}},
		{"percent", 0, 100, "%", []string{"0%", "20%", "40%", "60%", "80%", "100%"}},
		{"all zero", 0, 0, "", []string{"0", "0.2", "0.4", "0.6", "0.8", "1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := linearAxis(tc.lo, tc.hi, tc.unit, 5)
			if !reflect.DeepEqual(a.labels, tc.want) {
				t.Errorf("labels %q, want %q", a.labels, tc.want)
			}
			if a.lo > math.Min(tc.lo, 0) || a.hi < tc.hi {
				t.Errorf("axis [%v, %v] does not cover [%v, %v] and zero", a.lo, a.hi, tc.lo, tc.hi)
			}
		})
	}
}

func TestLogAxis(t *testing.T) {
	a := logAxis(0.05, 4000, "ms")
	want := []string{"0.01 ms", "0.1 ms", "1 ms", "10 ms", "100 ms", "1 s", "10 s"}
	if !reflect.DeepEqual(a.labels, want) {
		t.Errorf("labels %q, want %q", a.labels, want)
	}
	b := logAxis(1, 80, "")
	want = []string{"1", "2", "5", "10", "20", "50", "100"}
	if !reflect.DeepEqual(b.labels, want) {
		t.Errorf("labels %q, want %q", b.labels, want)
	}
	if x := b.at(10, 0, 100); !near(x, 50) {
		t.Errorf("10 on [1, 100] at %v, want 50", x)
	}
	if x := b.at(0, 0, 100); x != 0 {
		t.Errorf("0 on a log axis at %v, want the start", x)
	}
}

func TestAlignedAxis(t *testing.T) {
	a := alignedAxis(143, 5, "ms")
	want := []string{"0 ms", "50 ms", "100 ms", "150 ms", "200 ms", "250 ms"}
	if !reflect.DeepEqual(a.labels, want) {
		t.Errorf("labels %q, want %q", a.labels, want)
	}
}

func TestTimeTicks(t *testing.T) {
	utc := time.UTC
	plus1 := time.FixedZone("UTC+1", 3600)
	at := func(s string) time.Time {
		tm, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for _, tc := range []struct {
		name   string
		t0, t1 time.Time
		loc    *time.Location
		max    int
		want   string
	}{
		{"30 days by week on Mondays", at("2026-03-01 00:00"), at("2026-03-30 00:00"), utc, 8, "Mar 2|Mar 9|Mar 16|Mar 23|Mar 30"},
		{"6 hours across midnight", at("2026-03-01 22:00"), at("2026-03-02 03:55"), utc, 8, "22:00|23:00|Mar 2|01:00|02:00|03:00"},
		{"2 days in 6-hour steps", at("2026-03-01 00:00"), at("2026-03-03 00:00"), utc, 8, "Mar 1|06:00|12:00|18:00|Mar 2|06:00|12:00|18:00|Mar 3"},
		{"labels in the given zone", at("2026-03-01 22:30"), at("2026-03-02 01:30"), plus1, 4, "Mar 2|01:00|02:00"},
		{"minutes", at("2026-03-01 10:00"), at("2026-03-01 10:20"), utc, 5, "10:00|10:05|10:10|10:15|10:20"},
		{"months", at("2026-01-15 00:00"), at("2026-07-01 00:00"), utc, 8, "Feb 2026|Mar 2026|Apr 2026|May 2026|Jun 2026|Jul 2026"},
		{"years", at("2019-06-01 00:00"), at("2026-03-01 00:00"), utc, 8, "2020|2021|2022|2023|2024|2025|2026"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, tk := range timeTicks(tc.t0, tc.t1, tc.loc, tc.max) {
				got = append(got, tk.label)
				if tk.t.Before(tc.t0) || tk.t.After(tc.t1) {
					t.Errorf("tick %v outside the range", tk.t)
				}
			}
			if g := strings.Join(got, "|"); g != tc.want {
				t.Errorf("ticks %s, want %s", g, tc.want)
			}
		})
	}
}

func TestTimeTicksAcrossDaylightSaving(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Skipf("no zone data: %v", err)
	}
	// Clocks go from 02:00 to 03:00 on 2026-03-29.
	t0 := time.Date(2026, 3, 28, 12, 0, 0, 0, loc)
	t1 := time.Date(2026, 3, 30, 12, 0, 0, 0, loc)
	ticks := timeTicks(t0, t1, loc, 8)
	for i, tk := range ticks {
		if i > 0 && !tk.t.After(ticks[i-1].t) {
			t.Errorf("tick %d (%v) not after the one before", i, tk.t)
		}
		if h := tk.t.In(loc).Hour(); h%6 != 0 {
			t.Errorf("tick at %v is not on a 6-hour boundary of local time", tk.t.In(loc))
		}
	}
	if len(ticks) < 6 {
		t.Errorf("%d ticks over two days", len(ticks))
	}
}
