package config

import (
	"fmt"
	"os"
	"path/filepath"
)

// fromFile reads the INI layer. pathSource says where the path came from, for the error when
// the file cannot be read.
func fromFile(defs []keyDef, path, pathSource string) ([]setting, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, &Error{Value: path, Source: pathSource, Msg: err.Error()}
	}
	sections, err := parseINI(path, data)
	if err != nil {
		return nil, nil, err
	}
	var (
		out      []setting
		warnings []string
		seen     = make(map[string]int) // key -> first line, across sections
	)
	for _, sec := range sections {
		if !knownSection(sec.Name) {
			return nil, nil, &Error{Source: path, Line: sec.Line, Msg: fmt.Sprintf(
				"unknown section [%s] (want [dashboard], or Flask's [authentication], [database] or [visualization])", sec.Name)}
		}
		for _, kv := range sec.Settings {
			def, known := lookupKey(defs, kv.Key)
			s := setting{def: def, value: kv.Value, source: path, line: kv.Line}
			if !known {
				def.Name, def.Secret = kv.Key, true // an unknown key might be a misspelled secret
				s.def = def
			}
			if first, dup := seen[kv.Key]; dup {
				return nil, nil, s.error(fmt.Sprintf("set twice (first on line %d); keep one", first))
			}
			seen[kv.Key] = kv.Line
			if known {
				if !allowedIn(sec.Name, def.FlaskSection) {
					return nil, nil, s.error(belongs(sec.Name, def.FlaskSection))
				}
				if def.Name == "GIT" {
					s.value = besideFile(path, s.value)
				}
				out = append(out, s)
				continue
			}
			flaskSection, hint, ignored := ignoredFlaskKey(kv.Key)
			if !ignored {
				return nil, nil, s.error(fmt.Sprintf("unknown key in [%s]%s (known keys: %s)",
					sec.Name, didYouMean(kv.Key, keyNames(defs)), keysIn(defs, sec.Name)))
			}
			if !allowedIn(sec.Name, flaskSection) {
				return nil, nil, s.error(belongs(sec.Name, flaskSection))
			}
			warnings = append(warnings, ignoredWarning(kv.Key, fmt.Sprintf("%s line %d", path, kv.Line), hint))
		}
	}
	return out, warnings, nil
}

// besideFile makes a relative path relative to the INI file's directory, as Flask-MonitoringDashboard
// documents for GIT, so the file works whatever the service's working directory is.
func besideFile(file, path string) string {
	if path == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(filepath.Dir(file), path)
}

func ignoredWarning(key, where, hint string) string {
	w := fmt.Sprintf("dashboard: %s in %s is a Flask-MonitoringDashboard setting that Go Monitoring Dashboard does not use; ignored", key, where)
	if hint != "" {
		w += " (" + hint + ")"
	}
	return w
}

func keyNames(defs []keyDef) []string {
	names := make([]string, len(defs))
	for i, d := range defs {
		names[i] = d.Name
	}
	return names
}
