package graph

// DirectTables are the tables direct rendering reads (its shapes): the comparison test fills
// their every nullable column.
func DirectTables() []string { return newRenderer(&Resolver{}).Tables() }
