package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

// migrations holds the schema changes, written once for every database
// with type macros that each dialect expands.
//
//go:embed migrations/*.sql
var migrations embed.FS

// MigrationFiles returns the embedded migrations, NNNN_name.sql files.
func MigrationFiles() fs.FS {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the directory is embedded: cannot happen
	}
	return sub
}

// Migration is one numbered schema change.
type Migration struct {
	Version    int
	Name       string
	Statements []string
}

// LoadMigrations reads NNNN_name.sql files from fsys, ordered by number.
func LoadMigrations(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	var out []Migration
	seen := map[int]string{}
	for _, name := range names {
		num, rest, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration file %q: want NNNN_description.sql", name)
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migration files %q and %q share number %d", prev, name, v)
		}
		seen[v] = name
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: strings.TrimSuffix(rest, ".sql"), Statements: splitStatements(string(body))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// override replaces the shared migrations by the dialect's own of the
// same number (a shared one that does nothing, a comment only, keeps the
// numbers the same for every database).
func (d *Dialect) override(migs []Migration) ([]Migration, error) {
	own, err := LoadMigrations(d.Migrations)
	if err != nil {
		return nil, fmt.Errorf("%s's own migrations: %w", d.Name, err)
	}
	out := append([]Migration(nil), migs...)
	for _, m := range own {
		i := sort.Search(len(out), func(i int) bool { return out[i].Version >= m.Version })
		if i == len(out) || out[i].Version != m.Version || out[i].Name != m.Name {
			return nil, fmt.Errorf("%s's own migration %04d_%s replaces no shared migration of that number and name", d.Name, m.Version, m.Name)
		}
		out[i] = m
	}
	return out, nil
}

// splitStatements splits a migration file at lines that end with ";",
// dropping "--" comment lines. Lines between two lines holding "$$" (a
// PostgreSQL function body) stay in one statement.
func splitStatements(body string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, line := range strings.Split(body, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || (!quoted && strings.HasPrefix(t, "--")) {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.Count(line, "$$")%2 == 1 {
			quoted = !quoted
		}
		if !quoted && strings.HasSuffix(t, ";") {
			s := strings.TrimSpace(cur.String())
			out = append(out, strings.TrimSuffix(s, ";"))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// migrate brings the schema up to date through db. Several processes may
// start at once against one database: the dialect's lock serializes them,
// and each re-reads the applied versions after taking it, so every
// migration runs exactly once. A database written by a newer version of
// the dashboard (a version we do not know) is refused rather than misread.
func (s *Store) migrate(ctx context.Context, db *sql.DB) error {
	fsys := s.o.Migrations
	if fsys == nil {
		fsys = MigrationFiles()
	}
	migs, err := LoadMigrations(fsys)
	if err != nil {
		return err
	}
	if s.o.Migrations == nil && s.d.Migrations != nil {
		if migs, err = s.d.override(migs); err != nil {
			return err
		}
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if s.d.Lock != nil {
		unlock, err := s.d.Lock(ctx, conn)
		if err != nil {
			return fmt.Errorf("taking the migration lock: %w", err)
		}
		defer func() {
			if unlock() != nil {
				// The lock belongs to the session: a connection that
				// may still hold it must not go back to the pool.
				conn.Raw(func(any) error { return driver.ErrBadConn })
			}
		}()
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS gmd_migrations (version INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL, applied_us BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("creating gmd_migrations: %w", err)
	}
	if s.d.DDLCommits {
		if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS gmd_migration_steps (version INTEGER PRIMARY KEY, done INTEGER NOT NULL)`); err != nil {
			return fmt.Errorf("creating gmd_migration_steps: %w", err)
		}
	}
	applied := map[int]bool{}
	rows, err := conn.QueryContext(ctx, `SELECT version FROM gmd_migrations`)
	if err != nil {
		return err
	}
	newest := 0
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
		newest = max(newest, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(migs) > 0 && newest > migs[len(migs)-1].Version {
		return fmt.Errorf("the database schema is at version %d, newer than this program knows (%d): upgrade the dashboard", newest, migs[len(migs)-1].Version)
	}
	for _, m := range migs {
		if applied[m.Version] {
			continue
		}
		if s.o.UpTo > 0 && m.Version > s.o.UpTo {
			break
		}
		apply := s.apply
		if s.d.DDLCommits {
			apply = s.applyStepwise
		}
		if err := apply(ctx, conn, m); err != nil {
			return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
	}
	return nil
}

// apply runs a migration in one transaction: all of it or nothing.
func (s *Store) apply(ctx context.Context, conn *sql.Conn, m Migration) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Without a Lock (SQLite), the transaction is what serializes
	// instances: one that waited for another's may find its work done.
	var done int
	if err := tx.QueryRowContext(ctx, s.d.rebind(`SELECT COUNT(*) FROM gmd_migrations WHERE version = ?`), m.Version).Scan(&done); err != nil {
		return err
	}
	if done > 0 {
		return nil
	}
	for _, st := range m.Statements {
		st = s.d.expand(st)
		if _, err := tx.ExecContext(ctx, st); err != nil {
			return fmt.Errorf("%w\nin: %s", err, st)
		}
	}
	if err := s.recordMigration(ctx, tx, m); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *Store) recordMigration(ctx context.Context, tx *sql.Tx, m Migration) error {
	_, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO gmd_migrations (version, name, applied_us) VALUES (?, ?, ?)`),
		m.Version, m.Name, time.Now().UnixMicro())
	return err
}

// applyStepwise runs a migration on a database whose schema changes commit
// at once (MySQL). Each statement's completion is recorded in
// gmd_migration_steps: a data change in the same transaction as its
// record, a schema change right after it. A migration that stopped half
// way (a crash, a lost connection, a statement that failed) resumes after
// its last recorded statement; the statement after it may have been
// committed without being recorded, so for that one only, "already exists"
// means done.
func (s *Store) applyStepwise(ctx context.Context, conn *sql.Conn, m Migration) error {
	done := 0
	err := conn.QueryRowContext(ctx, s.d.rebind(`SELECT done FROM gmd_migration_steps WHERE version = ?`), m.Version).Scan(&done)
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	record := func(ex interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	}, n int) error {
		q := s.d.upsertReplace("gmd_migration_steps", []string{"version", "done"}, []string{"version"}, []string{"done"})
		_, err := ex.ExecContext(ctx, q, m.Version, n)
		return err
	}
	total := len(m.Statements)
	for i := done; i < total; i++ {
		st := s.d.expand(m.Statements[i])
		if isSchemaChange(st) {
			if _, err := conn.ExecContext(ctx, st); err != nil && !(i == done && s.d.AlreadyDone != nil && s.d.AlreadyDone(err)) {
				return s.stoppedAt(m, i, err, st)
			}
			if err := record(conn, i+1); err != nil {
				return s.stoppedAt(m, i, err, "recording progress")
			}
			continue
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return s.stoppedAt(m, i, err, st)
		}
		if _, err := tx.ExecContext(ctx, st); err != nil {
			tx.Rollback()
			return s.stoppedAt(m, i, err, st)
		}
		if err := record(tx, i+1); err != nil {
			tx.Rollback()
			return s.stoppedAt(m, i, err, "recording progress")
		}
		if err := tx.Commit(); err != nil {
			return s.stoppedAt(m, i, err, st)
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.recordMigration(ctx, tx, m); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.d.rebind(`DELETE FROM gmd_migration_steps WHERE version = ?`), m.Version); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *Store) stoppedAt(m Migration, i int, err error, st string) error {
	return fmt.Errorf("statement %d of %d failed: %w\nin: %s\n"+
		"%s applies schema changes one by one, so statements 1 to %d are in place and recorded in gmd_migration_steps; "+
		"once the cause is fixed, the next start resumes at statement %d",
		i+1, len(m.Statements), err, st, s.d.Name, i, i+1)
}

// isSchemaChange reports whether a statement changes the schema, which
// MySQL commits at once whatever the transaction.
func isSchemaChange(st string) bool {
	f := strings.Fields(st)
	if len(f) == 0 {
		return false
	}
	switch strings.ToUpper(f[0]) {
	case "CREATE", "ALTER", "DROP", "RENAME", "TRUNCATE":
		return true
	}
	return false
}
