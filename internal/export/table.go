package export

import (
	"archive/zip"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/mifmaroc/erp/internal/localtime"
)

// Centimes is an amount of money in MAD centimes, as stored; files show it in dirhams.
type Centimes int64

// Column is a column of an exported table: its French header, and how its cells read.
type Column struct {
	Header string
}

// A row holds, for each column, nil (an empty cell) or one of: string, int, Centimes,
// float64, bool, time.Time. The writers give each its own form (CSV) or cell type (XLSX).
type row = []any

// sink writes a table as it is read: the header once, then rows, then close.
type sink interface {
	header(cols []Column) error
	row(r row) error
	// flush pushes what is buffered to the client, so a long export shows progress.
	flush() error
	close() error
}

// bom tells Excel the CSV is UTF-8; without it accented headers come out garbled.
var bom = []byte{0xEF, 0xBB, 0xBF}

// csvSink writes CSV: UTF-8 with a BOM, the separator chosen, dates on the local clock,
// amounts in dirhams with the decimal separator that goes with the field separator (a comma
// when fields are separated by semicolons, as French Excel expects).
type csvSink struct {
	w       *csv.Writer
	decimal string
	zone    localtime.Zone
	flusher func() error
}

func newCSVSink(out io.Writer, sep Separator, zone localtime.Zone, flusher func() error) (*csvSink, error) {
	if _, err := out.Write(bom); err != nil {
		return nil, fmt.Errorf("writing the BOM: %w", err)
	}
	w := csv.NewWriter(out)
	s := &csvSink{w: w, decimal: ".", zone: zone, flusher: flusher}
	if sep == Semicolon {
		w.Comma, s.decimal = ';', ","
	}
	return s, nil
}

func (s *csvSink) header(cols []Column) error {
	h := make([]string, len(cols))
	for i, c := range cols {
		h[i] = c.Header
	}
	return s.w.Write(h)
}

func (s *csvSink) row(r row) error {
	rec := make([]string, len(r))
	for i, v := range r {
		rec[i] = s.format(v)
	}
	return s.w.Write(rec)
}

// csvDate is how a CSV writes a moment: the local wall clock, year first, which Excel reads
// as a date in every locale.
const csvDate = "2006-01-02 15:04"

func (s *csvSink) format(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return defuse(v)
	case int:
		return strconv.Itoa(v)
	case Centimes:
		return s.number(strconv.FormatFloat(float64(v)/100, 'f', 2, 64))
	case float64:
		return s.number(strconv.FormatFloat(v, 'f', 2, 64))
	case bool:
		if v {
			return "oui"
		}
		return "non"
	case time.Time:
		return s.zone.In(v).Format(csvDate)
	default:
		panic(fmt.Sprintf("export: no CSV form for %T", v))
	}
}

func (s *csvSink) number(n string) string {
	if s.decimal == "." {
		return n
	}
	return strings.Replace(n, ".", s.decimal, 1)
}

// defuse keeps a spreadsheet from running text as a formula (CSV injection): a cell a user
// typed that starts like a formula is prefixed with a quote, as OWASP advises.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (s *csvSink) flush() error {
	s.w.Flush()
	if err := s.w.Error(); err != nil {
		return err
	}
	if s.flusher != nil {
		return s.flusher()
	}
	return nil
}

func (s *csvSink) close() error { return s.flush() }

// xlsxSink writes one sheet through excelize's StreamWriter, which keeps at most a chunk of
// the sheet in memory and the rest in a temporary file; the archive is then zipped straight
// to the client (see close).
type xlsxSink struct {
	out    io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	zone   localtime.Zone
	n      int // rows written, the header included
	styles struct{ bold, date, amount, decimal int }
}

func newXLSXSink(out io.Writer, sheet string, zone localtime.Zone) (*xlsxSink, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, fmt.Errorf("naming the sheet: %w", err)
	}
	s := &xlsxSink{out: out, f: f, zone: zone}
	var err error
	if s.styles.bold, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return nil, fmt.Errorf("xlsx style: %w", err)
	}
	dateFmt := "dd/mm/yyyy hh:mm"
	if s.styles.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt}); err != nil {
		return nil, fmt.Errorf("xlsx style: %w", err)
	}
	if s.styles.amount, err = f.NewStyle(&excelize.Style{NumFmt: 4}); err != nil { // #,##0.00
		return nil, fmt.Errorf("xlsx style: %w", err)
	}
	if s.styles.decimal, err = f.NewStyle(&excelize.Style{NumFmt: 2}); err != nil { // 0.00
		return nil, fmt.Errorf("xlsx style: %w", err)
	}
	if s.sw, err = f.NewStreamWriter(sheet); err != nil {
		return nil, fmt.Errorf("xlsx stream: %w", err)
	}
	return s, nil
}

func (s *xlsxSink) header(cols []Column) error {
	// The header row stays in view while scrolling.
	if err := s.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("xlsx panes: %w", err)
	}
	for i, c := range cols {
		w := float64(len([]rune(c.Header))) + 4
		if err := s.sw.SetColWidth(i+1, i+1, max(w, 12)); err != nil {
			return fmt.Errorf("xlsx width: %w", err)
		}
	}
	cells := make([]any, len(cols))
	for i, c := range cols {
		cells[i] = excelize.Cell{StyleID: s.styles.bold, Value: c.Header}
	}
	return s.put(cells)
}

func (s *xlsxSink) put(cells []any) error {
	s.n++
	cell, err := excelize.CoordinatesToCellName(1, s.n)
	if err != nil {
		return err
	}
	if err := s.sw.SetRow(cell, cells); err != nil {
		return fmt.Errorf("xlsx row %d: %w", s.n, err)
	}
	return nil
}

func (s *xlsxSink) row(r row) error {
	cells := make([]any, len(r))
	for i, v := range r {
		switch v := v.(type) {
		case nil:
			cells[i] = nil
		case Centimes:
			cells[i] = excelize.Cell{StyleID: s.styles.amount, Value: float64(v) / 100}
		case float64:
			cells[i] = excelize.Cell{StyleID: s.styles.decimal, Value: v}
		case time.Time:
			// Excel has no zones: the cell holds the local wall clock.
			l := s.zone.In(v)
			wall := time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
			cells[i] = excelize.Cell{StyleID: s.styles.date, Value: wall}
		case string, int, bool:
			cells[i] = v
		default:
			panic(fmt.Sprintf("export: no XLSX cell for %T", v))
		}
	}
	return s.put(cells)
}

// flush does nothing: nothing of a workbook can be sent before its last row.
func (s *xlsxSink) flush() error { return nil }

// close ends the sheet and zips the workbook straight to out: excelize would otherwise
// build the whole archive in a memory buffer first (File.WriteTo), which grows with the rows.
func (s *xlsxSink) close() error {
	defer func() { _ = s.f.Close() }() // removes the temporary file of the stream
	if err := s.sw.Flush(); err != nil {
		return fmt.Errorf("xlsx flush: %w", err)
	}
	used := false
	s.f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		used = true
		return zip.NewWriter(s.out)
	})
	if _, err := s.f.WriteToBuffer(); err != nil {
		return fmt.Errorf("xlsx write: %w", err)
	}
	if !used {
		return fmt.Errorf("xlsx write: excelize did not use the zip writer")
	}
	return nil
}
