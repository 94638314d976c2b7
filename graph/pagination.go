package graph

// defaultPageSize applies when a list is asked for with neither first nor last, so that no
// request reads a whole table.
const defaultPageSize = 50

// firstOrDefault returns the page size to ask for from the front of a connection.
func firstOrDefault(first, last *int) *int {
	if first == nil && last == nil {
		n := defaultPageSize
		return &n
	}
	return first
}
