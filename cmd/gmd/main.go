// Command gmd is the Go Monitoring Dashboard's command-line program.
//
//	gmd demo      run a sample service with traffic and its dashboard
//	gmd version   print gmd's version
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gmd:", err)
		os.Exit(1)
	}
}

func usage() string {
	return `usage: gmd <command> [flags]

commands:
  demo      run a sample service with 30 days of history and live traffic, and its dashboard
  version   print the version of gmd

Run "gmd <command> -h" for a command's flags.`
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("no command\n\n%s", usage())
	}
	switch args[0] {
	case "demo":
		return demoCmd(ctx, args[1:], os.Stdout)
	case "version":
		return printVersion(os.Stdout)
	case "-h", "-help", "--help", "help":
		fmt.Println(usage())
		return nil
	}
	return fmt.Errorf("unknown command %q\n\n%s", args[0], usage())
}
