package config

import "fmt"

// Options says where settings come from.
type Options struct {
	// File is the INI file. When "", the DASHBOARD_CONFIG variable in Environ names it; when both
	// are empty, no file is read.
	File string
	// Environ holds "KEY=value" pairs, normally os.Environ(); only DASHBOARD_* are read. An empty
	// variable counts as unset, because tools such as docker compose pass an unset variable on
	// as an empty one. nil reads nothing, which keeps tests apart from the machine's environment.
	Environ []string
	// Code maps key names ("DATABASE") to values set from the program's Config struct. They win
	// over every other layer. A key that is present counts as set, even to "".
	Code map[string]string
}

// Sources as they appear in Entry.Source and Error.Source; a file's is its path.
const (
	sourceDefault = "default"
	sourceCode    = "code"
)

// setting is one value given for a key by one layer.
type setting struct {
	def    keyDef
	value  string
	source string // sourceDefault, sourceCode, a file path, or "env DASHBOARD_X"
	line   int    // line in the file, 0 elsewhere
}

func (s setting) entrySource() string {
	if s.line > 0 {
		return fmt.Sprintf("%s:%d", s.source, s.line)
	}
	return s.source
}

// error builds an *Error about this setting, keeping a secret value out of it.
func (s setting) error(msg string) *Error {
	e := &Error{Key: s.def.Name, Source: s.source, Line: s.line, Msg: msg}
	if !s.def.Secret {
		e.Value = s.def.display(s.value)
	}
	return e
}

// Load reads the settings from every layer, lowest precedence first, and checks every value
// given, in every layer. It returns the first problem as an *Error.
func Load(opts Options) (*Config, error) {
	defs := keyTable()
	env := environment(opts.Environ)

	layers := [][]setting{defaults(defs)}
	var warnings []string
	path, pathSource := opts.File, sourceCode
	if path == "" {
		path, pathSource = env[envConfig], "env "+envConfig
	}
	if path != "" {
		s, w, err := fromFile(defs, path, pathSource)
		if err != nil {
			return nil, err
		}
		layers, warnings = append(layers, s), append(warnings, w...)
	}
	s, w := fromEnv(defs, env)
	layers, warnings = append(layers, s), append(warnings, w...)
	s, err := fromCode(defs, opts.Code)
	if err != nil {
		return nil, err
	}
	layers = append(layers, s)

	c := new(Config)
	final := make(map[string]setting, len(defs))
	for _, layer := range layers {
		for _, s := range layer {
			if err := s.def.set(c, s.value); err != nil {
				return nil, s.error(err.Error())
			}
			final[s.def.Name] = s
		}
	}
	for _, d := range defs {
		s := final[d.Name]
		c.Entries = append(c.Entries, Entry{Key: d.Name, Value: d.display(s.value), Source: s.entrySource(), Secret: d.Secret})
	}
	c.Warnings = append(warnings, weakSecrets(c)...)
	return c, nil
}

func defaults(defs []keyDef) []setting {
	out := make([]setting, len(defs))
	for i, d := range defs {
		v := d.Default
		if d.dflt != nil {
			v = d.dflt()
		}
		out[i] = setting{def: d, value: v, source: sourceDefault}
	}
	return out
}
