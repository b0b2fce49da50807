// gmd is a module of its own so that it can link the PostgreSQL and MySQL
// drivers, which the root module must not require. It has no replace
// directives: go install .../cmd/gmd@VERSION refuses a module that has
// them. In this repository go.work maps the placeholder versions below to
// the working tree; a release tags the root and store modules first and
// requires those tags here. go mod tidy does not read go.work, so run it as
//
//	go mod edit -replace github.com/go-monitoring-dashboard/dashboard=../.. \
//	  -replace github.com/go-monitoring-dashboard/dashboard/store/postgres=../../store/postgres \
//	  -replace github.com/go-monitoring-dashboard/dashboard/store/mysql=../../store/mysql &&
//	  go mod tidy && go mod edit -dropreplace github.com/go-monitoring-dashboard/dashboard \
//	  -dropreplace github.com/go-monitoring-dashboard/dashboard/store/postgres \
//	  -dropreplace github.com/go-monitoring-dashboard/dashboard/store/mysql
module github.com/go-monitoring-dashboard/dashboard/cmd/gmd

go 1.26.8

require (
	github.com/go-monitoring-dashboard/dashboard v0.0.0-00010101000000-000000000000
	github.com/go-monitoring-dashboard/dashboard/store/mysql v0.0.0-00010101000000-000000000000
	github.com/go-monitoring-dashboard/dashboard/store/postgres v0.0.0-00010101000000-000000000000
)

require (
	filippo.io/edwards25519 v1.2.0 // indirect
	github.com/dustin/go-humanize v1.1.0 // indirect
	github.com/ebitengine/purego v0.11.2 // indirect
	github.com/go-ole/go-ole v1.2.6 // indirect
	github.com/go-sql-driver/mysql v1.10.1 // indirect
	github.com/google/pprof v0.0.0-20261105003125-4bf881d7fb0b // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/pgx/v5 v5.12.0 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	github.com/lufia/plan9stats v0.0.0-20211012122336-39d0f177ccd0 // indirect
	github.com/mattn/go-isatty v0.0.24 // indirect
	github.com/ncruces/go-strftime v1.1.0 // indirect
	github.com/power-devops/perfstat v0.0.0-20260805114148-88456608a4f6 // indirect
	github.com/remyoudompheng/bigfft v0.0.0-20230129092748-24d4a6f8daec // indirect
	github.com/shirou/gopsutil/v4 v4.26.10 // indirect
	github.com/tklauser/go-sysconf v0.4.0 // indirect
	github.com/tklauser/numcpus v0.12.0 // indirect
	github.com/yusufpapurcu/wmi v1.2.4 // indirect
	golang.org/x/crypto v0.59.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/text v0.44.0 // indirect
	modernc.org/libc v1.80.1 // indirect
	modernc.org/mathutil v1.7.1 // indirect
	modernc.org/memory v1.12.1 // indirect
	modernc.org/sqlite v1.62.0 // indirect
)
