// Package sqlstore implements store.Store on database/sql. The SQL drivers
// (store/sqlite, store/postgres, store/mysql) differ only in a Dialect: how
// to open connections, their migrations, placeholders, upsert syntax and the
// migration lock. Everything else, and so every behaviour the conformance
// suite checks, is written once here.
//
// Every table is prefixed with gmd_ so that the dashboard can share a
// database with the service's own tables.
package sqlstore

import (
	"context"
	"database/sql"
	"io/fs"
	"strconv"
	"strings"
)

// Dialect describes what differs between SQL databases.
type Dialect struct {
	// Name is used in error messages ("sqlite", "postgres", "mysql").
	Name string
	// Types expands the macros of the shared migrations (see
	// migrations/0001_init.sql) into this database's column types.
	Types Types
	// Numbered placeholders ($1, $2) instead of "?".
	NumberedParams bool
	// Greatest and Least name the two-argument max and min functions.
	Greatest, Least string
	// DuplicateKeyUpdate selects MySQL's "ON DUPLICATE KEY UPDATE x =
	// x + VALUES(x)" instead of "ON CONFLICT (...) DO UPDATE SET x = t.x +
	// excluded.x".
	DuplicateKeyUpdate bool
	// MaxParams bounds the placeholders in one statement.
	MaxParams int
	// Lock takes a lock that serializes migrations between processes
	// sharing the database, on the given connection, waiting until ctx
	// ends, and returns its release. Nil means the migration transaction
	// itself is enough.
	Lock func(ctx context.Context, conn *sql.Conn) (unlock func() error, err error)
	// WriteIsolation is the isolation level of write transactions
	// (sql.LevelDefault: the database's own). MySQL's default, REPEATABLE
	// READ, locks gaps between index entries, which makes concurrent
	// upserts and deletes block each other and deadlock far more often
	// than READ COMMITTED does.
	WriteIsolation sql.IsolationLevel
	// Retryable reports whether a failed write transaction may simply be
	// run again: a deadlock or serialization failure, which several
	// writers sharing a database cause now and then.
	Retryable func(err error) bool
	// DDLCommits says the database commits schema changes at once, even
	// inside a transaction (MySQL). Migrations then record their progress
	// statement by statement, so that an interrupted one resumes where it
	// stopped instead of failing on what it already created.
	DDLCommits bool
	// AlreadyDone reports whether a schema change failed because it is
	// already in place (a table, column or index that exists). Used with
	// DDLCommits for the one statement whose completion may have been
	// committed without being recorded.
	AlreadyDone func(err error) bool
	// Migrations holds the dialect's own versions of some migrations
	// (NNNN_name.sql, the number and name of a shared one, which they
	// replace); nil for none.
	Migrations fs.FS
	// Partitioned says gmd_requests is partitioned by day of start_us
	// (PostgreSQL, partitions.go): the writer creates each day's partition
	// before it writes rows of that day, and retention drops whole days.
	Partitioned bool
	// DeleteLimit selects "DELETE ... ORDER BY ... LIMIT n" (MySQL, which
	// refuses LIMIT in a subquery of the table being deleted from) instead
	// of "DELETE ... WHERE key IN (SELECT key ... LIMIT n)".
	DeleteLimit bool
}

// Types are the column types and table options the migrations use.
type Types struct {
	PK, Int, Real, Key, Text, Blob string
	Table, WithoutRowID            string
}

func (d *Dialect) expand(stmt string) string {
	t := d.Types
	return strings.NewReplacer(
		"{{pk}}", t.PK, "{{int}}", t.Int, "{{real}}", t.Real, "{{key}}", t.Key,
		"{{text}}", t.Text, "{{blob}}", t.Blob, "{{table}}", t.Table, "{{without_rowid}}", t.WithoutRowID,
	).Replace(stmt)
}

// Rebind turns "?" placeholders into the dialect's own, for queries
// written outside this package (tests, tools).
func (d *Dialect) Rebind(q string) string { return d.rebind(q) }

// rebind turns "?" placeholders into "$1", "$2"... when the dialect wants
// them. Our statements never contain a literal "?".
func (d *Dialect) rebind(q string) string {
	if !d.NumberedParams {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// upsert builds a multi-row insert of rows rows into table that, on a
// conflict on keys, adds the add columns, keeps the smallest of the min
// columns and the largest of the max columns.
//
// Each of the optional keepNull columns keeps NULL (unknown) once it holds
// it, and otherwise the smallest value.
func (d *Dialect) upsert(table string, cols, keys, add, minCols, maxCols []string, rows int, keepNull ...string) string {
	var b strings.Builder
	b.WriteString("INSERT INTO ")
	b.WriteString(table)
	b.WriteString(" (")
	b.WriteString(strings.Join(cols, ", "))
	b.WriteString(") VALUES ")
	writeValues(&b, len(cols), rows)
	var sets []string
	if d.DuplicateKeyUpdate {
		for _, c := range add {
			sets = append(sets, c+" = "+c+" + VALUES("+c+")")
		}
		for _, c := range minCols {
			sets = append(sets, c+" = "+d.Least+"("+c+", VALUES("+c+"))")
		}
		for _, c := range maxCols {
			sets = append(sets, c+" = "+d.Greatest+"("+c+", VALUES("+c+"))")
		}
		for _, c := range keepNull {
			sets = append(sets, c+" = CASE WHEN "+c+" IS NULL THEN NULL ELSE "+d.Least+"("+c+", VALUES("+c+")) END")
		}
		b.WriteString(" ON DUPLICATE KEY UPDATE ")
	} else {
		for _, c := range add {
			sets = append(sets, c+" = "+table+"."+c+" + excluded."+c)
		}
		for _, c := range minCols {
			sets = append(sets, c+" = "+d.Least+"("+table+"."+c+", excluded."+c+")")
		}
		for _, c := range maxCols {
			sets = append(sets, c+" = "+d.Greatest+"("+table+"."+c+", excluded."+c+")")
		}
		for _, c := range keepNull {
			sets = append(sets, c+" = CASE WHEN "+table+"."+c+" IS NULL THEN NULL ELSE "+d.Least+"("+table+"."+c+", excluded."+c+") END")
		}
		b.WriteString(" ON CONFLICT (" + strings.Join(keys, ", ") + ") DO UPDATE SET ")
	}
	b.WriteString(strings.Join(sets, ", "))
	return d.rebind(b.String())
}

// upsertReplace builds a one-row insert that, on a conflict on keys, sets
// the set columns to the new values.
func (d *Dialect) upsertReplace(table string, cols, keys, set []string) string {
	return d.upsertSet(table, cols, keys, set, 1)
}

// upsertSet builds an insert of rows rows that, on a conflict on keys,
// sets the set columns to the new values.
func (d *Dialect) upsertSet(table string, cols, keys, set []string, rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	writeValues(&b, len(cols), rows)
	var sets []string
	for _, c := range set {
		if d.DuplicateKeyUpdate {
			sets = append(sets, c+" = VALUES("+c+")")
		} else {
			sets = append(sets, c+" = excluded."+c)
		}
	}
	if d.DuplicateKeyUpdate {
		b.WriteString(" ON DUPLICATE KEY UPDATE ")
	} else {
		b.WriteString(" ON CONFLICT (" + strings.Join(keys, ", ") + ") DO UPDATE SET ")
	}
	b.WriteString(strings.Join(sets, ", "))
	return d.rebind(b.String())
}

// insertIgnore builds an insert of one row that does nothing when the row
// exists (by the unique key keys).
func (d *Dialect) insertIgnore(table string, cols, keys []string) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	writeValues(&b, len(cols), 1)
	if d.DuplicateKeyUpdate {
		// A no-op update rather than INSERT IGNORE, which would also
		// swallow errors such as a too-long value.
		b.WriteString(" ON DUPLICATE KEY UPDATE " + keys[0] + " = " + keys[0])
	} else {
		b.WriteString(" ON CONFLICT (" + strings.Join(keys, ", ") + ") DO NOTHING")
	}
	return d.rebind(b.String())
}

func writeValues(b *strings.Builder, cols, rows int) {
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := 0; c < cols; c++ {
			if c > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('?')
		}
		b.WriteByte(')')
	}
}

func values(cols, rows int) string {
	var b strings.Builder
	writeValues(&b, cols, rows)
	return b.String()
}
