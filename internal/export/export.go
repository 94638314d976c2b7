// Package export writes the lists of the API as files people open in a spreadsheet: the
// interventions (every filter and order of the interventions list), the maintenance figures
// (one row per group of maintenanceStats) and the stock ledger, as CSV or XLSX. Rows are
// read a page at a time through ent with the viewer's context, so the access rules of
// internal/access decide what a file holds exactly as they decide what the lists show, and
// written as they are read: memory does not grow with the number of rows (BENCHMARKS.md).
// An export over MaxRows rows is refused before anything is written.
package export

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/localtime"
	"github.com/mifmaroc/erp/internal/stats"
)

// Format is the kind of file.
type Format string

// Formats.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// Separator separates the fields of a CSV.
type Separator string

// Separators: a comma by default; a semicolon for French Excel, which then reads a comma as
// the decimal separator.
const (
	Comma     Separator = ","
	Semicolon Separator = ";"
)

// Kind is what is exported.
type Kind string

// Kinds, as they appear in the path (/export/<kind>.<format>).
const (
	Interventions   Kind = "interventions"
	Stats           Kind = "stats"
	MouvementsStock Kind = "mouvements-stock"
)

// DefaultPageSize is how many rows are read per statement.
const DefaultPageSize = 1000

// Service runs exports on one database.
type Service struct {
	Client *ent.Client
	Stats  *stats.Service
	Zone   localtime.Zone // dates are written on its clock
	// MaxRows bounds the rows of one export (EXPORT_MAX_ROWS).
	MaxRows int
	// PageSize is how many rows are read per statement (0: DefaultPageSize).
	PageSize int
	Links    Signer
}

// Request is an export asked for: the parameters of /export/<kind>.<format>.
type Request struct {
	Kind   Kind
	Format Format
	Sep    Separator

	interventions interventionsQuery
	mouvements    mouvementsQuery
	stats         stats.Query
}

// ParseRequest reads the export named by file ("interventions.csv") with the parameters of
// q. Errors: NOT_FOUND (no such export), BAD_USER_INPUT naming the parameter at fault.
func ParseRequest(file string, q url.Values) (*Request, error) {
	name, ext, ok := strings.Cut(file, ".")
	r := &Request{Kind: Kind(name), Format: Format(strings.ToLower(ext))}
	if !ok || (r.Format != CSV && r.Format != XLSX) {
		return nil, domain.Errorf(domain.CodeNotFound, "no export %q: the file ends in .csv or .xlsx", file)
	}
	switch q.Get("sep") {
	case "", ",", "comma", "virgule":
		r.Sep = Comma
	case ";", "semicolon", "point-virgule":
		r.Sep = Semicolon
	default:
		return nil, domain.Errorf(domain.CodeBadUserInput, "parameter sep: %q is neither comma (,) nor semicolon (;)", q.Get("sep"))
	}
	var err error
	switch r.Kind {
	case Interventions:
		r.interventions, err = parseInterventions(q)
	case MouvementsStock:
		r.mouvements, err = parseMouvements(q)
	case Stats:
		r.stats, err = parseStats(q)
	default:
		return nil, domain.Errorf(domain.CodeNotFound, "no export %q: the exports are interventions, stats and mouvements-stock", name)
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// source is the rows of an export.
type source interface {
	sheet() string
	columns() []Column
	// count is how many rows the export would hold, asked before anything is written.
	count(ctx context.Context) (int, error)
	// pages calls fn with the rows a page at a time, in order.
	pages(ctx context.Context, size int, fn func([]row) error) error
}

// Job is an export ready to be written: its request was valid and its size within the limit.
type Job struct {
	req  *Request
	src  source
	rows int
	s    *Service
}

// Prepare checks that the viewer of ctx may run r and that it holds at most MaxRows rows.
// Errors: UNAUTHENTICATED, FORBIDDEN (the ledger for a CLIENT), BAD_USER_INPUT (the stats
// window), TOO_LARGE (over MaxRows: narrow the filter).
func (s *Service) Prepare(ctx context.Context, r *Request) (*Job, error) {
	var src source
	switch r.Kind {
	case Interventions:
		src = &interventionsSource{client: s.Client, q: r.interventions}
	case MouvementsStock:
		ms, err := newMouvementsSource(ctx, s.Client, r.mouvements)
		if err != nil {
			return nil, err
		}
		src = ms
	case Stats:
		src = &statsSource{svc: s.Stats, client: s.Client, q: r.stats}
	}
	n, err := src.count(ctx)
	if err != nil {
		return nil, err
	}
	if n > s.MaxRows {
		return nil, domain.Errorf(domain.CodeTooLarge,
			"this export would hold %d rows, beyond the limit of %d: narrow the filter (where) to export fewer", n, s.MaxRows)
	}
	return &Job{req: r, src: src, rows: n, s: s}, nil
}

// Rows is how many rows the file will hold (counted by Prepare).
func (j *Job) Rows() int { return j.rows }

// ContentType is the MIME type of the file.
func (j *Job) ContentType() string {
	if j.req.Format == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// Filename names the file after its content and the day: interventions-2026-12-05.csv.
func (j *Job) Filename(now time.Time) string {
	return fmt.Sprintf("%s-%s.%s", j.req.Kind, j.s.Zone.In(now).Format("2006-01-02"), j.req.Format)
}

// Write writes the file to w, reading the rows a page at a time; flush (may be nil) is
// called after each page of a CSV so the client receives it as it comes. An error after the
// first bytes leaves a truncated file: the caller can only cut the connection.
func (j *Job) Write(ctx context.Context, w io.Writer, flush func() error) error {
	var (
		out sink
		err error
	)
	if j.req.Format == XLSX {
		out, err = newXLSXSink(w, j.src.sheet(), j.s.Zone)
	} else {
		out, err = newCSVSink(w, j.req.Sep, j.s.Zone, flush)
	}
	if err != nil {
		return err
	}
	if err := out.header(j.src.columns()); err != nil {
		return err
	}
	size := j.s.PageSize
	if size <= 0 {
		size = DefaultPageSize
	}
	err = j.src.pages(ctx, size, func(rows []row) error {
		for _, r := range rows {
			if err := out.row(r); err != nil {
				return err
			}
		}
		return out.flush()
	})
	if err != nil {
		return fmt.Errorf("exporting %s: %w", j.req.Kind, err)
	}
	return out.close()
}
