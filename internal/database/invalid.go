package database

import (
	"errors"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
)

// Refused reports whether PostgreSQL refused a value of the statement (SQLSTATE class 22,
// data exception: out of range, malformed, a character the encoding cannot hold). Inputs
// are checked before they reach a statement; this is the net under those checks.
func Refused(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code.Class() == pqerror.ClassDataException
}
