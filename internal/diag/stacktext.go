package diag

import "strings"

// stackFuncs returns the function names of a runtime/debug.Stack text
// from the innermost panic call outwards.
func stackFuncs(stack string) []string {
	var fns []string
	for _, ln := range strings.Split(stack, "\n") {
		if ln == "" || strings.HasPrefix(ln, "\t") || strings.HasPrefix(ln, "goroutine ") || strings.HasPrefix(ln, "created by ") {
			continue
		}
		if i := strings.LastIndex(ln, "("); i > 0 && strings.HasSuffix(ln, ")") {
			ln = ln[:i]
		}
		fns = append(fns, ln)
	}
	for i := len(fns) - 1; i >= 0; i-- {
		if fns[i] == "panic" {
			return fns[i+1:]
		}
	}
	return fns
}
