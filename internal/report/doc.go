// Package report writes the PDF documents of the application: the "bon d'intervention" of
// one intervention and the monthly maintenance report. Each reads its rows with the asking
// viewer's context, so the rules of internal/access decide what it shows, as they do for
// GraphQL. Texts are French; times are the users' zone (APP_TIMEZONE).
package report

import (
	"bytes"
	_ "embed" // the fonts
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/mifmaroc/erp/internal/localtime"
)

// The core fonts of PDF only know cp1252: a name such as "Bouzoubaâ" survives it, "Ağaoğlu"
// or a Unicode dash in a pasted report would not. DejaVu Sans covers Latin, Greek, Cyrillic
// and more, and fpdf embeds only the glyphs a document uses (docs/decisions.md).
var (
	//go:embed fonts/DejaVuSans.ttf
	regularTTF []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	boldTTF []byte
)

// Company is the header printed on every document (COMPANY_NAME, COMPANY_ADDRESS).
type Company struct {
	Name    string
	Address string
}

const (
	family  = "DejaVu"
	margin  = 15.0 // mm
	width   = 180.0
	lineH   = 5.0
	textPt  = 9.0
	smallPt = 7.5
	// headerRoom is what the page header and a table's header line take, at most.
	headerRoom = 45.0
)

// doc is a PDF being written, with the application's header and footer.
type doc struct {
	*fpdf.Fpdf
	zone localtime.Zone
}

// newDoc starts an A4 document whose every page carries company, title and subtitle
// (right of the company) and a numbered footer.
func newDoc(company Company, zone localtime.Zone, title, subtitle string, printed time.Time) *doc {
	p := fpdf.New("P", "mm", "A4", "")
	p.AddUTF8FontFromBytes(family, "", regularTTF)
	p.AddUTF8FontFromBytes(family, "B", boldTTF)
	p.SetMargins(margin, margin, margin)
	p.SetAutoPageBreak(true, 18)
	p.SetTitle(title+" — "+subtitle, true)
	p.SetAuthor(company.Name, true)
	p.SetLang("fr-FR")
	p.SetCreationDate(printed)
	p.AliasNbPages("{nb}")
	d := &doc{Fpdf: p, zone: zone}
	p.SetHeaderFunc(func() {
		top := p.GetY()
		p.SetFont(family, "B", 13)
		p.CellFormat(100, 6, company.Name, "", 2, "L", false, 0, "")
		p.SetFont(family, "", smallPt)
		for _, l := range strings.Split(company.Address, "\n") {
			p.CellFormat(100, 3.8, strings.TrimSpace(l), "", 2, "L", false, 0, "")
		}
		bottom := p.GetY()
		p.SetXY(margin+90, top)
		p.SetFont(family, "B", 15)
		p.CellFormat(90, 7, title, "", 2, "R", false, 0, "")
		p.SetFont(family, "", textPt)
		p.CellFormat(90, 4.5, subtitle, "", 2, "R", false, 0, "")
		p.SetFont(family, "", smallPt)
		p.CellFormat(90, 4, "Imprimé le "+zone.DateTime(printed), "", 2, "R", false, 0, "")
		p.SetY(math.Max(bottom, p.GetY()) + 1.5)
		p.SetDrawColor(40, 70, 120)
		p.SetLineWidth(0.5)
		p.Line(margin, p.GetY(), margin+width, p.GetY())
		p.SetLineWidth(0.2)
		p.SetDrawColor(0, 0, 0)
		p.Ln(4)
	})
	p.SetFooterFunc(func() {
		p.SetY(-12)
		p.SetFont(family, "", smallPt)
		p.SetTextColor(110, 110, 110)
		p.CellFormat(width/2, 4, company.Name+" — "+title, "", 0, "L", false, 0, "")
		p.CellFormat(width/2, 4, fmt.Sprintf("Page %d/{nb}", p.PageNo()), "", 0, "R", false, 0, "")
		p.SetTextColor(0, 0, 0)
	})
	p.AddPage()
	return d
}

// bytes is the finished document, or the first error met while writing it.
func (d *doc) bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		return nil, fmt.Errorf("writing the PDF: %w", err)
	}
	return buf.Bytes(), nil
}

// section starts a titled part, on a new page when less than need mm are left for it.
func (d *doc) section(title string, need float64) {
	d.ensure(need + 10)
	d.Ln(2)
	d.SetFont(family, "B", 10.5)
	d.SetFillColor(225, 232, 243)
	d.SetTextColor(20, 45, 90)
	d.CellFormat(width, 6.5, title, "", 1, "L", true, 0, "")
	d.SetTextColor(0, 0, 0)
	d.Ln(1.5)
	d.SetFont(family, "", textPt)
}

// ensure starts a new page unless h mm are left above the bottom margin.
func (d *doc) ensure(h float64) {
	_, ph := d.GetPageSize()
	_, _, _, bottom := d.GetMargins()
	if d.GetY()+h > ph-bottom {
		d.AddPage()
	}
}

// field is one label and its value, in a grid of two pairs a line.
type field struct{ label, value string }

// fields writes pairs two a line: label in grey, value after it, the values aligned on
// the longest label.
func (d *doc) fields(fs []field) {
	const col = width / 2
	d.SetFont(family, "", smallPt+0.5)
	labelW := 30.0
	for _, f := range fs {
		labelW = max(labelW, d.GetStringWidth(f.label)+3)
	}
	labelW = min(labelW, col/2)
	for i, f := range fs {
		if i%2 == 0 {
			d.ensure(lineH)
			d.SetX(margin)
		}
		d.SetFont(family, "", smallPt+0.5)
		d.SetTextColor(90, 90, 90)
		d.CellFormat(labelW, lineH, f.label, "", 0, "L", false, 0, "")
		d.SetTextColor(0, 0, 0)
		d.SetFont(family, "", textPt)
		d.CellFormat(col-labelW, lineH, fit(d, f.value, col-labelW-1), "", 0, "L", false, 0, "")
		if i%2 == 1 || i == len(fs)-1 {
			d.Ln(lineH)
		}
	}
}

// paragraph writes free text, or a dash when there is none.
func (d *doc) paragraph(s string) {
	d.SetFont(family, "", textPt)
	if strings.TrimSpace(s) == "" {
		s = "—"
	}
	d.MultiCell(width, lineH-0.5, s, "", "L", false)
}

// column of a table: its title, width (mm) and alignment (L, C, R).
type column struct {
	title string
	w     float64
	align string
}

// table writes a header line and rows; a cell longer than its column wraps, and a row
// that would cross the page's end starts the next page under the header again. Empty
// rows write none (without a line).
func (d *doc) table(cols []column, rows [][]string, none string) {
	header := func() {
		d.SetFont(family, "B", smallPt+0.5)
		d.SetFillColor(240, 240, 240)
		for _, c := range cols {
			d.CellFormat(c.w, 5.5, c.title, "1", 0, c.align, true, 0, "")
		}
		d.Ln(-1)
		d.SetFont(family, "", smallPt+0.5)
	}
	if len(rows) == 0 {
		d.SetFont(family, "", textPt)
		d.SetTextColor(110, 110, 110)
		d.CellFormat(width, lineH, none, "", 1, "L", false, 0, "")
		d.SetTextColor(0, 0, 0)
		return
	}
	d.ensure(12)
	header()
	const lh, pad = 4.2, 1.2
	_, ph := d.GetPageSize()
	_, _, _, bottom := d.GetMargins()
	// A row that holds on one page never straddles two; a taller one (a long comment) is
	// cut across pages rather than lost. The rows are placed here, not by fpdf's own page
	// breaks, which would cut a row line by line.
	perPage := int((ph - bottom - headerRoom) / lh)
	d.SetAutoPageBreak(false, bottom)
	defer d.SetAutoPageBreak(true, bottom)
	for _, r := range rows {
		lines := make([][]string, len(cols))
		n := 1
		for i, c := range cols {
			lines[i] = d.SplitText(r[i], c.w-2)
			n = max(n, len(lines[i]))
		}
		for from := 0; from < n; {
			left := n - from
			room := int((ph - bottom - d.GetY() - pad) / lh)
			if room < left && (room < 1 || (from == 0 && left <= perPage)) {
				d.AddPage()
				header()
				room = int((ph - bottom - d.GetY() - pad) / lh)
			}
			k := max(1, min(left, room))
			h := float64(k)*lh + pad
			x, y := d.GetX(), d.GetY()
			for i, c := range cols {
				d.Rect(x, y, c.w, h, "D")
				if strings.HasPrefix(r[i], alertMark) {
					d.SetTextColor(180, 20, 20)
					d.SetFont(family, "B", smallPt+0.5)
				}
				for j := from; j < min(from+k, len(lines[i])); j++ {
					d.SetXY(x, y+0.6+float64(j-from)*lh)
					d.CellFormat(c.w, lh, lines[i][j], "", 0, c.align, false, 0, "")
				}
				d.SetTextColor(0, 0, 0)
				d.SetFont(family, "", smallPt+0.5)
				x += c.w
			}
			d.SetXY(margin, y+h)
			from += k
		}
	}
	d.Ln(1)
}

// alertMark opens a table cell to print in red.
const alertMark = "⚠ "

// fit cuts s with an ellipsis so that it holds in w mm at the current font.
func fit(d *doc, s string, w float64) string {
	if d.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && d.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// money writes centimes as French amounts: 1 234,56 MAD.
func money(c int64) string {
	neg := c < 0
	if neg {
		c = -c
	}
	s := group(strconv.FormatInt(c/100, 10)) + fmt.Sprintf(",%02d MAD", c%100)
	if neg {
		return "-" + s
	}
	return s
}

// group puts a space between groups of three digits.
func group(digits string) string {
	var b strings.Builder
	for i, ch := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(ch)
	}
	return b.String()
}

// decimal writes v with n decimals and a decimal comma.
func decimal(v float64, n int) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', n, 64), ".", ",", 1)
}

// optDecimal is decimal(*v) followed by unit, or "—" for no value.
func optDecimal(v *float64, n int, unit string) string {
	if v == nil {
		return "—"
	}
	return decimal(*v, n) + unit
}

// duration writes minutes as 2 h 05 (or 45 min).
func duration(minutes int) string {
	if minutes < 60 {
		return strconv.Itoa(minutes) + " min"
	}
	return fmt.Sprintf("%d h %02d", minutes/60, minutes%60)
}

// when writes t in the users' zone, or "—".
func (d *doc) when(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "—"
	}
	return d.zone.In(*t).Format("02/01/2006 15:04")
}

// orDash is s, or "—" when empty.
func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
