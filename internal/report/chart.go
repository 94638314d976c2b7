package report

import (
	"math"
	"strings"
)

// The charts are drawn with the PDF's own lines and rectangles: vector graphics that print
// sharp, and no image library or renderer to carry.

// point is one value of a chart; nil values (nothing to measure) are left out.
type point struct {
	label string
	value *float64
}

// chartArea is where a chart is drawn, its title and the unit of its values.
type chartArea struct {
	x, y, w, h float64
	title      string
	unit       string
	counts     bool // whole numbers: the grid does not go below a step of 1
}

const axisW = 14.0 // room for the value labels left of the plot

// frame draws the title, the horizontal grid with its labels, and returns the plot area and
// the value at its top.
func (d *doc) frame(a chartArea, maxV float64) (px, py, pw, ph, top float64) {
	d.SetFont(family, "B", textPt)
	d.SetXY(a.x, a.y)
	d.CellFormat(a.w, 5, a.title, "", 0, "L", false, 0, "")
	px, py, pw, ph = a.x+axisW, a.y+8, a.w-axisW-2, a.h-8-9
	step := niceStep(maxV / 4)
	if a.counts {
		step = math.Max(1, step)
	}
	top = step * math.Max(1, math.Ceil(maxV/step))
	d.SetFont(family, "", smallPt-0.5)
	d.SetLineWidth(0.1)
	for v := 0.0; v <= top+step/2; v += step {
		y := py + ph - v/top*ph
		d.SetDrawColor(210, 210, 210)
		d.Line(px, y, px+pw, y)
		d.SetXY(a.x, y-2)
		d.CellFormat(axisW-1.5, 4, trim(v)+a.unit, "", 0, "R", false, 0, "")
	}
	d.SetDrawColor(60, 60, 60)
	d.SetLineWidth(0.3)
	d.Line(px, py, px, py+ph)
	d.Line(px, py+ph, px+pw, py+ph)
	d.SetLineWidth(0.2)
	d.SetDrawColor(0, 0, 0)
	return px, py, pw, ph, top
}

// xLabels writes the labels under each slot of the plot, a "\n" in one starting a line.
func (d *doc) xLabels(px, py, pw, ph float64, ps []point) {
	slot := pw / float64(len(ps))
	d.SetFont(family, "", smallPt-0.5)
	for i, p := range ps {
		for j, l := range strings.Split(p.label, "\n") {
			d.SetXY(px+float64(i)*slot, py+ph+1+float64(j)*3.2)
			d.CellFormat(slot, 3.2, fit(d, l, slot), "", 0, "C", false, 0, "")
		}
	}
}

// barChart draws one vertical bar per point, its value above it.
func (d *doc) barChart(a chartArea, ps []point) {
	maxV := 0.0
	for _, p := range ps {
		if p.value != nil {
			maxV = math.Max(maxV, *p.value)
		}
	}
	px, py, pw, ph, top := d.frame(a, maxV)
	if len(ps) == 0 {
		return
	}
	slot := pw / float64(len(ps))
	bw := math.Min(slot*0.6, 18)
	d.SetFillColor(60, 110, 180)
	d.SetFont(family, "", smallPt-0.5)
	for i, p := range ps {
		if p.value == nil {
			continue
		}
		h := *p.value / top * ph
		x := px + float64(i)*slot + (slot-bw)/2
		if h > 0 {
			d.Rect(x, py+ph-h, bw, h, "F")
		}
		d.SetXY(x-3, py+ph-h-4)
		d.CellFormat(bw+6, 3.5, trim(*p.value), "", 0, "C", false, 0, "")
	}
	d.xLabels(px, py, pw, ph, ps)
}

// lineChart joins the points that have a value, marks each and writes its value.
func (d *doc) lineChart(a chartArea, ps []point) {
	maxV := 0.0
	for _, p := range ps {
		if p.value != nil {
			maxV = math.Max(maxV, *p.value)
		}
	}
	px, py, pw, ph, top := d.frame(a, maxV)
	if len(ps) == 0 {
		return
	}
	slot := pw / float64(len(ps))
	d.SetDrawColor(200, 90, 30)
	d.SetFillColor(200, 90, 30)
	d.SetLineWidth(0.6)
	d.SetFont(family, "", smallPt-0.5)
	var prevX, prevY float64
	havePrev := false
	for i, p := range ps {
		if p.value == nil {
			havePrev = false // a gap: nothing was measured there
			continue
		}
		x := px + (float64(i)+0.5)*slot
		y := py + ph - *p.value/top*ph
		if havePrev {
			d.Line(prevX, prevY, x, y)
		}
		d.Circle(x, y, 0.9, "F")
		d.SetXY(x-8, y-5)
		d.CellFormat(16, 3.5, decimal(*p.value, 1), "", 0, "C", false, 0, "")
		prevX, prevY, havePrev = x, y, true
	}
	d.SetLineWidth(0.2)
	d.SetDrawColor(0, 0, 0)
	d.xLabels(px, py, pw, ph, ps)
}

// percentBars draws one horizontal bar per point on a 0–100 % scale, its label on the left.
func (d *doc) percentBars(a chartArea, ps []point) {
	const labelW, barH, gap = 55.0, 4.5, 1.8
	d.SetFont(family, "B", textPt)
	d.SetXY(a.x, a.y)
	d.CellFormat(a.w, 5, a.title, "", 0, "L", false, 0, "")
	px, pw := a.x+labelW, a.w-labelW-18
	y := a.y + 8
	d.SetFont(family, "", smallPt-0.5)
	d.SetLineWidth(0.1)
	for v := 0.0; v <= 100; v += 25 {
		x := px + v/100*pw
		d.SetDrawColor(210, 210, 210)
		d.Line(x, y-1, x, y+float64(len(ps))*(barH+gap))
		d.SetXY(x-6, y+float64(len(ps))*(barH+gap))
		d.CellFormat(12, 3.5, trim(v)+" %", "", 0, "C", false, 0, "")
	}
	d.SetDrawColor(0, 0, 0)
	d.SetLineWidth(0.2)
	for i, p := range ps {
		by := y + float64(i)*(barH+gap)
		d.SetFont(family, "", smallPt)
		d.SetXY(a.x, by)
		d.CellFormat(labelW-2, barH, fit(d, p.label, labelW-3), "", 0, "R", false, 0, "")
		if p.value == nil {
			d.SetXY(px+1, by)
			d.CellFormat(30, barH, "—", "", 0, "L", false, 0, "")
			continue
		}
		v := math.Max(0, math.Min(100, *p.value))
		switch {
		case v >= 95:
			d.SetFillColor(70, 150, 90)
		case v >= 85:
			d.SetFillColor(220, 160, 40)
		default:
			d.SetFillColor(200, 60, 50)
		}
		if v > 0 {
			d.Rect(px, by, v/100*pw, barH, "F")
		}
		d.SetXY(px+pw+1, by)
		d.CellFormat(17, barH, decimal(*p.value, 1)+" %", "", 0, "L", false, 0, "")
	}
	d.SetXY(a.x, y+float64(len(ps))*(barH+gap)+5)
}

// niceStep rounds a raw grid step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

// trim writes v without useless decimals (at most one).
func trim(v float64) string {
	if v == math.Trunc(v) {
		return decimal(v, 0)
	}
	return decimal(v, 1)
}
