package main

import (
	"context"
	"flag"
	"io"

	"github.com/go-monitoring-dashboard/dashboard/internal/demo"
)

// demoCmd runs the demonstration: a book shop with 30 days of history and
// live traffic, recorded by the dashboard into SQLite.
func demoCmd(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(out)
	var o demo.Options
	fs.StringVar(&o.Addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&o.DB, "db", "gmd-demo.db", "SQLite database file")
	fs.Float64Var(&o.Rate, "rate", 20, "live requests per second (0 for none)")
	fs.IntVar(&o.Days, "days", 30, "days of history to write")
	fs.BoolVar(&o.Fresh, "fresh", false, "delete the database and start over")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.Rate == 0 {
		o.Rate = -1 // demo.Options: 0 means the default
	}
	return demo.Run(ctx, o, out)
}
