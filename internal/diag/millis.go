package diag

import (
	"encoding/json"
	"time"
)

// Millis is a duration that the API writes as milliseconds (a number with
// decimals), as the rest of the dashboard's API does.
type Millis time.Duration

// D returns the duration.
func (m Millis) D() time.Duration { return time.Duration(m) }

// MarshalJSON writes milliseconds.
func (m Millis) MarshalJSON() ([]byte, error) {
	return json.Marshal(float64(time.Duration(m).Nanoseconds()) / 1e6)
}

// UnmarshalJSON reads milliseconds.
func (m *Millis) UnmarshalJSON(b []byte) error {
	var ms float64
	if err := json.Unmarshal(b, &ms); err != nil {
		return err
	}
	*m = Millis(time.Duration(ms * 1e6))
	return nil
}
