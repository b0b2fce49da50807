package mysql

import (
	"errors"
	"fmt"
	"testing"

	"github.com/go-sql-driver/mysql"
)

func TestErrorClasses(t *testing.T) {
	cases := []struct {
		name             string
		err              error
		retry, completed bool
	}{
		{"deadlock", &mysql.MySQLError{Number: 1213}, true, false},
		{"lock wait timeout, wrapped", fmt.Errorf("x: %w", &mysql.MySQLError{Number: 1205}), true, false},
		{"table exists", &mysql.MySQLError{Number: 1050}, false, true},
		{"duplicate index name, wrapped", fmt.Errorf("x: %w", &mysql.MySQLError{Number: 1061}), false, true},
		{"syntax error", &mysql.MySQLError{Number: 1064}, false, false},
		{"not a server error", errors.New("EOF"), false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := retryable(c.err); got != c.retry {
				t.Errorf("retryable = %v, want %v", got, c.retry)
			}
			if got := alreadyDone(c.err); got != c.completed {
				t.Errorf("alreadyDone = %v, want %v", got, c.completed)
			}
		})
	}
}
