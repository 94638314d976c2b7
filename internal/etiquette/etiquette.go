// Package etiquette writes the QR code of an equipement: the frontend URL of its record
// (EQUIPEMENT_URL_TEMPLATE), as a PNG image or an SVG drawing of the same modules, so that a
// phone held up to the machine opens its page. The label sheets of internal/report draw the
// same modules.
package etiquette

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// Placeholder stands in the URL template for the equipement's code.
const Placeholder = "{code}"

// Template is a frontend URL with Placeholder in it, e.g.
// https://erp.mif-maroc.ma/equipements/{code}.
type Template string

// CheckTemplate says what is wrong with t as a template, or nil: it must be an absolute
// http(s) URL holding Placeholder.
func CheckTemplate(t string) error {
	if !strings.Contains(t, Placeholder) {
		return fmt.Errorf("has no %s where the equipement's code goes", Placeholder)
	}
	u, err := url.Parse(strings.ReplaceAll(t, Placeholder, "x"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("is not an absolute http(s) URL")
	}
	return nil
}

// URL is t with code in place of Placeholder, escaped so that any code (spaces, slashes)
// stays one path segment or query value.
func (t Template) URL(code string) string {
	return strings.ReplaceAll(string(t), Placeholder, url.PathEscape(code))
}

// Level is the error correction of the codes: Medium survives the scratches and dirt of a
// workshop label (about 15% of the modules) and keeps the code small.
const Level = qrcode.Medium

// Code is the QR code carrying content.
func Code(content string) (*qrcode.QRCode, error) {
	q, err := qrcode.New(content, Level)
	if err != nil {
		return nil, fmt.Errorf("encoding the QR code: %w", err)
	}
	return q, nil
}

// Modules is the code's matrix with its quiet zone, true for a dark module: what the PNG, the
// SVG and the label sheet all draw.
func Modules(q *qrcode.QRCode) [][]bool { return q.Bitmap() }

// PNGSize is the side in pixels of the PNG images: a few pixels a module, enough to print a
// label or show on a screen.
const PNGSize = 320

// PNG is content's QR code as a PNG image.
func PNG(content string) ([]byte, error) {
	q, err := Code(content)
	if err != nil {
		return nil, err
	}
	b, err := q.PNG(PNGSize)
	if err != nil {
		return nil, fmt.Errorf("writing the QR code's PNG: %w", err)
	}
	return b, nil
}

// SVG is content's QR code as an SVG drawing, one unit a module: a rect for each run of
// dark modules on a line, so that it scales to any size without blur.
func SVG(content string) ([]byte, error) {
	q, err := Code(content)
	if err != nil {
		return nil, err
	}
	m := Modules(q)
	n := strconv.Itoa(len(m))
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 ` + n + " " + n +
		`" width="` + strconv.Itoa(PNGSize) + `" height="` + strconv.Itoa(PNGSize) + `" shape-rendering="crispEdges">` + "\n")
	b.WriteString(`<rect width="` + n + `" height="` + n + `" fill="#ffffff"/>` + "\n")
	for _, r := range Runs(m) {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="1" fill="#000000"/>`+"\n", r.X, r.Y, r.W)
	}
	b.WriteString("</svg>\n")
	return []byte(b.String()), nil
}

// Run is W dark modules side by side on line Y from column X.
type Run struct{ X, Y, W int }

// Runs are the dark modules of m as horizontal runs, line by line, left to right.
func Runs(m [][]bool) []Run {
	var out []Run
	for y, line := range m {
		for x := 0; x < len(line); {
			if !line[x] {
				x++
				continue
			}
			start := x
			for x < len(line) && line[x] {
				x++
			}
			out = append(out, Run{X: start, Y: y, W: x - start})
		}
	}
	return out
}
