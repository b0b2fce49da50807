package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/go-monitoring-dashboard/dashboard/internal/ciupload"
	"github.com/go-monitoring-dashboard/dashboard/internal/report"
)

const reportUsage = `usage: gmd report --url URL [--from V1] [--to V2] [--fail]

Prints the dashboard's version report: for two versions, every endpoint,
benchmark metric and test whose median changed significantly, regressions
first. Without --from and --to it compares the newest version with the one
before. With --fail it exits with status 1 when there is a regression, so
that CI can stop a slower version before it is deployed.

The token is the dashboard's SECURITY_TOKEN, as for gmd upload
(DASHBOARD_SECURITY_TOKEN or --token).

flags:
`

func reportCmd(ctx context.Context, args []string, env uploadEnv) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprint(env.stderr, reportUsage)
		fs.PrintDefaults()
	}
	base := fs.String("url", env.getenv("DASHBOARD_URL"), "the dashboard's address (default $DASHBOARD_URL)")
	token := fs.String("token", "", "the dashboard's SECURITY_TOKEN (default $DASHBOARD_SECURITY_TOKEN)")
	from := fs.String("from", "", "the older version (default: the one before --to)")
	to := fs.String("to", "", "the newer version (default: the newest)")
	all := fs.Bool("all", false, "list unchanged items too")
	fail := fs.Bool("fail", false, "exit with status 1 when a significant regression is found")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *token == "" {
		*token = env.getenv("DASHBOARD_SECURITY_TOKEN")
	}
	if *base == "" || *token == "" {
		return errors.New("report: give --url and the token (DASHBOARD_SECURITY_TOKEN or --token)")
	}
	endpoint, err := ciupload.Endpoint(*base)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	u, _ := url.Parse(strings.TrimSuffix(endpoint, "/upload") + "/report")
	q := url.Values{}
	if *from != "" {
		q.Set("from", *from)
	}
	if *to != "" {
		q.Set("to", *to)
	}
	u.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+*token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("report: reading the answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var p struct{ Error string }
		json.Unmarshal(body, &p)
		if p.Error == "" {
			p.Error = "is --url the dashboard's address?"
		}
		return fmt.Errorf("report: %s: %s: %s", u.Redacted(), resp.Status, p.Error)
	}
	var rep report.Report
	if err := json.Unmarshal(body, &rep); err != nil {
		return fmt.Errorf("report: %s answered with something other than a report", u.Redacted())
	}
	printReport(env.stdout, &rep, *all)
	if *fail && rep.Regressions > 0 {
		return exitStatus(1)
	}
	return nil
}

func printReport(w io.Writer, rep *report.Report, all bool) {
	if rep.Note != "" {
		fmt.Fprintf(w, "%s.\n", rep.Note)
		if rep.From == "" || rep.To == "" {
			return
		}
	}
	fmt.Fprintf(w, "%s → %s: %d regressions, %d improvements (significant: p < %g and the median moved at least %g%%)\n",
		rep.From, rep.To, rep.Regressions, rep.Improvements, rep.Alpha, rep.MinChange*100)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	shown := 0
	for _, list := range [][]report.Comparison{rep.Endpoints, rep.Benchmarks, rep.Tests} {
		for _, c := range list {
			if !all && !c.Significant {
				continue
			}
			if shown == 0 {
				fmt.Fprintln(tw, "verdict\tkind\tname\tmetric\tfrom\tto\tchange\tp\t")
			}
			shown++
			change := "–"
			if c.ChangePercent != nil {
				change = fmt.Sprintf("%+.1f%%", *c.ChangePercent)
			}
			name := c.Name
			if c.Package != "" {
				name = c.Package + " " + name
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.4g\t%.4g\t%s\t%.3g\t\n", c.Verdict, c.Kind, name, c.Metric, c.FromMedian, c.ToMedian, change, c.PValue)
		}
	}
	tw.Flush()
	if shown == 0 {
		fmt.Fprintln(w, "No significant change.")
	}
}
