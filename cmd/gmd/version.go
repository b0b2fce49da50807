package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

func printVersion(w io.Writer) error {
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v = bi.Main.Version
	}
	_, err := fmt.Fprintln(w, "gmd", v)
	return err
}
