package config

// Defaults returns the settings the key table alone gives: the one place
// where a setting's default is written. Packages whose options carry
// settings of the table (the recorder's queue and batches, the outlier
// monitor's constant and profiler periods) take an option left at zero as
// its default here, so that a default is never written twice.
func Defaults() *Config {
	c, err := Load(Options{})
	if err != nil {
		// Only a key table whose Default does not parse can fail, and
		// TestDefaultsLoad catches that.
		panic("config: the key table's defaults do not load: " + err.Error())
	}
	return c
}
