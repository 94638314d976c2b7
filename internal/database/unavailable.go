package database

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
)

// Unavailable reports whether err says the database cannot be reached right now (stopped,
// restarting, refusing or cutting connections) rather than that the statement was wrong:
// the same request may succeed once the database is back, so callers answer "retry later"
// instead of an internal error.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch pqErr.Code {
		case pqerror.AdminShutdown, pqerror.CrashShutdown, pqerror.CannotConnectNow:
			return true
		}
		return pqErr.Code.Class() == pqerror.ClassConnectionException
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) ||
		errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.ErrUnexpectedEOF) ||
		// The server closed the connection between statements: lib/pq reports a plain EOF
		// when it next writes or prepares on it.
		errors.Is(err, io.EOF)
}
