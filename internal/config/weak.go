package config

// flaskExampleToken is the SECURITY_TOKEN in Flask-MonitoringDashboard's documentation and
// defaults; files copied from there carry it, and anyone who read the docs can upload with it.
const flaskExampleToken = "cc83733cb0af8b884ff6577086b87909"

// weakSecrets warns about secrets that anyone could guess. They are warnings, not errors, so
// that a demo or a first try works; the message never repeats the secret.
func weakSecrets(c *Config) []string {
	var w []string
	// Flask-MonitoringDashboard's default PASSWORD, "admin", is refused
	// with the short passwords (see checkPasswords).
	switch {
	case c.Password != "" && c.Password == c.Username:
		w = append(w, "dashboard: PASSWORD is the same as USERNAME; anyone can guess it; choose another")
	}
	if c.SecurityToken == flaskExampleToken {
		w = append(w, "dashboard: SECURITY_TOKEN is the example token published with Flask-MonitoringDashboard; anyone can upload with it; choose a random one")
	}
	return w
}
