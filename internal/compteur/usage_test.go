package compteur

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)

func day(n int) time.Time { return t0.AddDate(0, 0, n) }

func TestUsage(t *testing.T) {
	tests := []struct {
		name   string
		points []Point
		want   []float64
	}{
		{"None", nil, []float64{}},
		{"Rising", []Point{{Valeur: 100}, {Valeur: 250}, {Valeur: 600}}, []float64{100, 250, 600}},
		{"ResetRestartsFromItsValue", []Point{{Valeur: 100}, {Valeur: 480}, {Valeur: 5, RemiseAZero: true}, {Valeur: 30}},
			[]float64{100, 480, 480, 505}},
		{"ResetAtTheSameValue", []Point{{Valeur: 10}, {Valeur: 20, RemiseAZero: true}, {Valeur: 25}}, []float64{10, 10, 15}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Usage(tt.points)); diff != "" {
				t.Errorf("Usage (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTaux(t *testing.T) {
	tests := []struct {
		name     string
		points   []Point
		from, to time.Time
		want     float64
		ok       bool
	}{
		{"TenADay", []Point{{100, day(0), false}, {200, day(10), false}, {300, day(20), false}}, day(0), day(30), 10, true},
		{"OnlyTheWindow", []Point{{0, day(0), false}, {1000, day(5), false}, {1100, day(15), false}}, day(4), day(30), 10, true},
		{"AcrossAReset", []Point{{400, day(0), false}, {500, day(5), false}, {0, day(6), true}, {50, day(10), false}}, day(0), day(10), 15, true},
		{"OneReading", []Point{{100, day(0), false}, {200, day(10), false}}, day(5), day(30), 0, false},
		{"NoReading", nil, day(0), day(30), 0, false},
		{"OneInstant", []Point{{100, day(3), false}, {100, day(3), false}}, day(0), day(30), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Taux(tt.points, tt.from, tt.to)
			if ok != tt.ok || math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("Taux = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
