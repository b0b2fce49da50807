package dashboard

import (
	"strings"
	"testing"
)

// TestMonitorLevelField checks what Config.MonitorLevel gives new
// endpoints: 0 keeps the level from the environment or the default, so
// that the zero Config records, and MonitorOff switches them off.
func TestMonitorLevelField(t *testing.T) {
	cases := []struct {
		name    string
		field   int
		environ []string
		want    int
	}{
		{"zero keeps the default", 0, nil, 1},
		{"zero keeps the environment's", 0, []string{"DASHBOARD_MONITOR_LEVEL=2"}, 2},
		{"zero keeps the environment's 0", 0, []string{"DASHBOARD_MONITOR_LEVEL=0"}, 0},
		{"MonitorOff starts endpoints off", MonitorOff, nil, 0},
		{"MonitorOff wins over the environment", MonitorOff, []string{"DASHBOARD_MONITOR_LEVEL=3"}, 0},
		{"a level wins over the environment", 3, []string{"DASHBOARD_MONITOR_LEVEL=0"}, 3},
		{"level 1", 1, nil, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			environ := append([]string{}, c.environ...)
			d := mustNew(t, booksMux(), Config{Store: memStore(t), MonitorLevel: c.field, environ: environ})
			d.DeclareEndpoint("GET /books/{id}", "GET")
			if got, _ := d.Level("GET /books/{id}"); got != c.want {
				t.Errorf("new endpoint at level %d, want %d", got, c.want)
			}
		})
	}
}

// TestMonitorLevelFieldRefusesOthers: levels are 0 to 3 and MonitorOff;
// anything else is a configuration error that names the key.
func TestMonitorLevelFieldRefusesOthers(t *testing.T) {
	for _, level := range []int{-2, 4} {
		_, err := New(booksMux(), Config{Store: memStore(t), MonitorLevel: level, environ: []string{}, AppVersion: "v"})
		if err == nil || !strings.Contains(err.Error(), "MONITOR_LEVEL") {
			t.Errorf("MonitorLevel %d: err %v, want an error naming MONITOR_LEVEL", level, err)
		}
	}
}
