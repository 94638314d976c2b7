package database

import (
	"errors"
	"fmt"
	"io"
	"syscall"
	"testing"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
)

func TestUnavailable(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"connection refused", fmt.Errorf("dial: %w", syscall.ECONNREFUSED), true},
		{"prepare on a closed connection", fmt.Errorf("preparing a statement: %w", io.EOF), true},
		{"cut mid-answer", fmt.Errorf("reading: %w", io.ErrUnexpectedEOF), true},
		{"administrator shutdown", &pq.Error{Code: pqerror.AdminShutdown}, true},
		{"unique violation", &pq.Error{Code: pqerror.UniqueViolation}, false},
		{"anything else", errors.New("syntax error"), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Unavailable(tc.err); got != tc.want {
				t.Errorf("Unavailable(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}
