package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

const (
	envPrefix = "DASHBOARD_"
	envConfig = "DASHBOARD_CONFIG" // names the INI file; not a key
)

// environment picks the DASHBOARD_* variables; a later duplicate wins, as in os/exec.
func environment(environ []string) map[string]string {
	env := make(map[string]string)
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, envPrefix) {
			env[k] = v
		}
	}
	return env
}

// fromEnv reads the environment layer. Unknown DASHBOARD_* variables are warnings, not errors:
// the service's own program may use the same prefix.
func fromEnv(defs []keyDef, env map[string]string) ([]setting, []string) {
	var out []setting
	for _, d := range defs {
		name := envPrefix + d.Name
		if v := env[name]; v != "" {
			out = append(out, setting{def: d, value: v, source: "env " + name})
		}
	}
	var warnings []string
	var known []string
	for _, d := range defs {
		known = append(known, envPrefix+d.Name)
	}
	for _, name := range slices.Sorted(maps.Keys(env)) {
		key := strings.TrimPrefix(name, envPrefix)
		if _, ok := lookupKey(defs, key); ok || name == envConfig {
			continue
		}
		if _, hint, ok := ignoredFlaskKey(key); ok {
			warnings = append(warnings, ignoredWarning(name, "the environment", hint))
			continue
		}
		warnings = append(warnings, fmt.Sprintf("dashboard: environment variable %s is not a dashboard setting; ignored%s",
			name, didYouMean(name, known)))
	}
	return out, warnings
}

// fromCode reads the values the program set. An unknown key there is a bug in the program, so
// it is an error.
func fromCode(defs []keyDef, code map[string]string) ([]setting, error) {
	var out []setting
	for _, d := range defs {
		if v, ok := code[d.Name]; ok {
			out = append(out, setting{def: d, value: v, source: sourceCode})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(code)) {
		if _, ok := lookupKey(defs, k); !ok {
			return nil, &Error{Key: k, Source: sourceCode, Msg: fmt.Sprintf("unknown key%s (known keys: %s)",
				didYouMean(k, keyNames(defs)), strings.Join(keyNames(defs), ", "))}
		}
	}
	return out, nil
}
