package export

import "time"

// The cells of optional fields: empty when unset.

func timeOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

func intOrNil(n *int) any {
	if n == nil {
		return nil
	}
	return *n
}

func stringOrNil(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}
