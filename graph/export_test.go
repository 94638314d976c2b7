package graph

import "sort"

// DirectTables are the tables direct rendering reads (its shapes): the comparison test fills
// their every nullable column.
func DirectTables() []string {
	var out []string
	for _, s := range sqlShapes {
		out = append(out, s.Table)
	}
	sort.Strings(out)
	return out
}
