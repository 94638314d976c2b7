package etiquette_test

import (
	"encoding/xml"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/internal/etiquette"
	"github.com/mifmaroc/erp/internal/etiquette/etiquettetest"
)

func TestURL(t *testing.T) {
	tests := []struct {
		name, template, code, want string
	}{
		{"Path", "https://erp.mif-maroc.ma/equipements/{code}", "EQ-001", "https://erp.mif-maroc.ma/equipements/EQ-001"},
		{"Query", "https://erp.mif-maroc.ma/scan?code={code}", "EQ-001", "https://erp.mif-maroc.ma/scan?code=EQ-001"},
		{"Escaped", "https://erp.mif-maroc.ma/equipements/{code}", "L1/M 2é", "https://erp.mif-maroc.ma/equipements/L1%2FM%202%C3%A9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := etiquette.Template(tt.template).URL(tt.code); got != tt.want {
				t.Errorf("URL = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckTemplate(t *testing.T) {
	tests := []struct {
		name, template string
		ok             bool
	}{
		{"OK", "https://erp.mif-maroc.ma/equipements/{code}", true},
		{"HTTP", "http://localhost:3000/equipements/{code}", true},
		{"ErrNoPlaceholder", "https://erp.mif-maroc.ma/equipements/", false},
		{"ErrRelative", "/equipements/{code}", false},
		{"ErrScheme", "ftp://erp/{code}", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := etiquette.CheckTemplate(tt.template); (err == nil) != tt.ok {
				t.Errorf("CheckTemplate(%q) = %v, want ok %t", tt.template, err, tt.ok)
			}
		})
	}
}

// svgModules reads an SVG of SVG back into its matrix of modules.
func svgModules(t *testing.T, svg []byte, n int) [][]bool {
	t.Helper()
	var doc struct {
		Rects []struct {
			X    int    `xml:"x,attr"`
			Y    int    `xml:"y,attr"`
			W    int    `xml:"width,attr"`
			Fill string `xml:"fill,attr"`
		} `xml:"rect"`
	}
	if err := xml.Unmarshal(svg, &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, svg)
	}
	m := make([][]bool, n)
	for i := range m {
		m[i] = make([]bool, n)
	}
	for _, r := range doc.Rects {
		if r.Fill != "#000000" {
			continue
		}
		for x := r.X; x < r.X+r.W; x++ {
			m[r.Y][x] = true
		}
	}
	return m
}

func TestCodes(t *testing.T) {
	for _, content := range []string{
		"https://erp.mif-maroc.ma/equipements/EQ-001",
		"http://localhost:3000/equipements/COMPRESSEUR%20N%C2%B0%2012%2FB",
	} {
		t.Run(content, func(t *testing.T) {
			png, err := etiquette.PNG(content)
			if err != nil {
				t.Fatal(err)
			}
			if got := etiquettetest.Decode(t, png); got != content {
				t.Errorf("PNG carries %q, want %q", got, content)
			}
			svg, err := etiquette.SVG(content)
			if err != nil {
				t.Fatal(err)
			}
			q, err := etiquette.Code(content)
			if err != nil {
				t.Fatal(err)
			}
			want := etiquette.Modules(q)
			if diff := cmp.Diff(want, svgModules(t, svg, len(want))); diff != "" {
				t.Errorf("the SVG's modules differ from the code's (-want +got):\n%s", diff)
			}
		})
	}
}
