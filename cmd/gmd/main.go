// Command gmd is the Go Monitoring Dashboard's command-line program.
//
//	gmd demo      run a sample service with traffic and its dashboard
//	gmd upload    send go test and benchmark results to a dashboard
//	gmd report    print the version report of a dashboard
//	gmd serve     the dashboard alone, over a database services write to
//	gmd version   print gmd's version
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		code := 1
		var st exitStatus
		if errors.As(err, &st) {
			code = int(st) // the status of the command gmd upload ran
		}
		if _, bare := err.(exitStatus); !bare {
			fmt.Fprintln(os.Stderr, "gmd:", err)
		}
		os.Exit(code)
	}
}

func usage() string {
	return `usage: gmd <command> [flags]

commands:
  demo      run a sample service with 30 days of history and live traffic, and its dashboard
  upload    send go test -json and benchmark results to a dashboard, per version
  report    print what got slower or faster between two versions (--fail for CI)
  serve     serve the dashboard alone over a database that services write to (PostgreSQL, MySQL, SQLite)
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
	case "upload", "report":
		wd, err := os.Getwd()
		if err != nil {
			return err
		}
		env := uploadEnv{getenv: os.Getenv, dir: wd, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}
		if args[0] == "report" {
			return reportCmd(ctx, args[1:], env)
		}
		return upload(ctx, args[1:], env)
	case "serve":
		return serveCmd(ctx, args[1:], serveEnv{environ: os.Environ(), stdout: os.Stdout, stderr: os.Stderr})
	case "version":
		return printVersion(os.Stdout)
	case "-h", "-help", "--help", "help":
		fmt.Println(usage())
		return nil
	}
	return fmt.Errorf("unknown command %q\n\n%s", args[0], usage())
}
