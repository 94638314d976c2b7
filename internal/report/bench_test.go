package report_test

import (
	"net/http"
	"testing"
)

// BenchmarkReports measures a report through the whole stack (token check, reads, layout,
// font subsetting); BENCHMARKS.md keeps the figures.
func BenchmarkReports(b *testing.B) {
	w := newWorld(b)
	admin := w.env.Token(b, w.admin)
	for _, c := range []struct{ name, path string }{
		{"Bon", bonPath(w.iv.ID)},
		{"Mensuel", "/reports/maintenance.pdf?month=2026-11"},
	} {
		b.Run(c.name, func(b *testing.B) {
			var size int
			for b.Loop() {
				status, _, body := w.fetch(b, c.path, admin)
				if status != http.StatusOK {
					b.Fatalf("status %d: %s", status, body)
				}
				size = len(body)
			}
			b.ReportMetric(float64(size), "bytes/pdf")
		})
	}
}
