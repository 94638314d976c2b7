package database

import (
	"context"
	"fmt"
)

// Use is what may refer to a row before it is deleted: the referring rows' name and their
// count.
type Use struct {
	What  string
	Count func(context.Context) (int, error)
}

// InUse counts each use with ctx (the server's, so that every row counts, seen by the caller
// or not) and lists those that have rows, as "3 interventions", for the refusal of a delete
// that would leave them dangling.
func InUse(ctx context.Context, uses ...Use) ([]string, error) {
	var refs []string
	for _, u := range uses {
		n, err := u.Count(ctx)
		if err != nil {
			return nil, fmt.Errorf("counting the %s: %w", u.What, err)
		}
		if n > 0 {
			refs = append(refs, fmt.Sprintf("%d %s", n, u.What))
		}
	}
	return refs, nil
}
