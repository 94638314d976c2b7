package seed

// The statements of this package that ent cannot write: refreshing the planner's
// statistics after the bulk load is a maintenance command, not a query on a table.
const (
	// sqlVacuumAnalyze updates the statistics and, on PostgreSQL, the visibility map that
	// index-only counts need.
	sqlVacuumAnalyze = "VACUUM ANALYZE"
	// sqlAnalyze is the fallback where VACUUM ANALYZE is refused (SQLite has no such
	// combined command).
	sqlAnalyze = "ANALYZE"
)
