package intervention_test

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/intervention"
)

func ptr[T any](v T) *T { return &v }

func TestDeadline(t *testing.T) {
	created := time.Date(2028, 2, 28, 23, 0, 0, 0, time.UTC)
	sla := intervention.SLA{"URGENTE": 2 * time.Hour, "HAUTE": 24 * time.Hour, "NORMALE": 72 * time.Hour, "BASSE": 168 * time.Hour}
	tests := []struct {
		p    domain.Priorite
		want *time.Time
	}{
		{"URGENTE", ptr(created.Add(2 * time.Hour))},
		{"HAUTE", ptr(time.Date(2028, 2, 29, 23, 0, 0, 0, time.UTC))},
		{"NORMALE", ptr(time.Date(2028, 3, 2, 23, 0, 0, 0, time.UTC))},
		{"BASSE", ptr(created.Add(7 * 24 * time.Hour))},
		{"PROGRAMMEE", nil},
	}
	for _, tt := range tests {
		t.Run(string(tt.p), func(t *testing.T) {
			if diff := cmp.Diff(tt.want, sla.Deadline(created, tt.p)); diff != "" {
				t.Errorf("Deadline (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCompute(t *testing.T) {
	t0 := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	deadline := at(240)
	history := []intervention.Step{
		{Statut: "OUVERTE", At: at(0)}, {Statut: "AFFECTEE", At: at(10)}, {Statut: "EN_COURS", At: at(30)},
		{Statut: "EN_ATTENTE", At: at(90)}, {Statut: "EN_COURS", At: at(150)},
	}
	closed := append(history[:len(history):len(history)], intervention.Step{Statut: "CLOTUREE", At: at(200)})

	tests := []struct {
		name  string
		facts intervention.Facts
		now   time.Time
		want  intervention.KPIs
	}{
		{
			name: "RunningInTime",
			facts: intervention.Facts{Statut: "EN_COURS", DateCreation: t0, DateLimite: &deadline, History: history,
				TauxHoraire: 12000, CoutPieces: 5000, DureeEstimeeMin: ptr(90)},
			now: at(180),
			// EN_COURS 30→90 and 150→180: 90 minutes; labour 90 min × 120.00 MAD/h = 180.00 MAD.
			want: intervention.KPIs{DelaiEcoule: 180, DelaiRestant: ptr(60), DureeReelle: 90, CoutPieces: 5000,
				CoutMainOeuvre: 18000, CoutTotal: 23000, SLARespecte: ptr(true), DepassementEstimee: ptr(0)},
		},
		{
			name:  "OpenAndLate",
			facts: intervention.Facts{Statut: "EN_ATTENTE", DateCreation: t0, DateLimite: &deadline, History: history[:4]},
			now:   at(300),
			want: intervention.KPIs{DelaiEcoule: 300, DelaiRestant: ptr(-60), EnRetard: true, DureeReelle: 60,
				SLARespecte: ptr(false)},
		},
		{
			name: "ClosedInTime",
			facts: intervention.Facts{Statut: "CLOTUREE", DateCreation: t0, DateLimite: &deadline, DateCloture: ptr(at(200)),
				History: closed, TauxHoraire: 6000},
			now: at(10000),
			// Pauses excluded, and the clock stops at closure: 60 + 50 minutes.
			want: intervention.KPIs{DelaiEcoule: 200, DureeReelle: 110, CoutMainOeuvre: 11000, CoutTotal: 11000, SLARespecte: ptr(true)},
		},
		{
			name: "ClosedLate",
			facts: intervention.Facts{Statut: "CLOTUREE", DateCreation: t0, DateLimite: ptr(at(100)), DateCloture: ptr(at(200)),
				History: closed},
			now:  at(10000),
			want: intervention.KPIs{DelaiEcoule: 200, DureeReelle: 110, EnRetard: true, SLARespecte: ptr(false)},
		},
		{
			// Cancelled past its deadline: neither late nor an SLA missed (nor kept).
			name: "CancelledAfterDeadline",
			facts: intervention.Facts{Statut: "ANNULEE", DateCreation: t0, DateLimite: ptr(at(100)),
				History: append(history[:3:3], intervention.Step{Statut: "ANNULEE", At: at(200)})},
			now:  at(10000),
			want: intervention.KPIs{DelaiEcoule: 200, DureeReelle: 170},
		},
		{
			// Handed over while EN_COURS at minute 90: an hour at each technician's rate, not
			// two hours at the second one's.
			name: "HandedOver",
			facts: intervention.Facts{Statut: "CLOTUREE", DateCreation: t0, DateCloture: ptr(at(150)),
				History: []intervention.Step{
					{Statut: "OUVERTE", At: at(0)}, {Statut: "AFFECTEE", At: at(10), TechnicienID: ptr(1)},
					{Statut: "EN_COURS", At: at(30), TechnicienID: ptr(1)}, {Statut: "EN_COURS", At: at(90), TechnicienID: ptr(2)},
					{Statut: "CLOTUREE", At: at(150), TechnicienID: ptr(2)},
				},
				TauxHoraire: 12000, Taux: map[int]int64{1: 6000, 2: 12000}},
			now:  at(10000),
			want: intervention.KPIs{DelaiEcoule: 150, DureeReelle: 120, CoutMainOeuvre: 18000, CoutTotal: 18000},
		},
		{
			// Lines written before the technician was recorded are priced at the current rate.
			name: "HistoryWithoutTechnicians",
			facts: intervention.Facts{Statut: "EN_COURS", DateCreation: t0,
				History:     []intervention.Step{{Statut: "EN_COURS", At: at(0)}, {Statut: "EN_COURS", At: at(30), TechnicienID: ptr(1)}},
				TauxHoraire: 12000, Taux: map[int]int64{1: 6000}},
			now:  at(60),
			want: intervention.KPIs{DelaiEcoule: 60, DureeReelle: 60, CoutMainOeuvre: 9000, CoutTotal: 9000},
		},
		{
			// A line ahead of now (another replica's clock) is no time worked, not an error.
			name:  "LineAheadOfNow",
			facts: intervention.Facts{Statut: "EN_COURS", DateCreation: t0, History: []intervention.Step{{Statut: "EN_COURS", At: at(90)}}, TauxHoraire: 6000},
			now:   at(60),
			want:  intervention.KPIs{DelaiEcoule: 60},
		},
		{
			name:  "NoDeadline",
			facts: intervention.Facts{Statut: "OUVERTE", DateCreation: t0, History: history[:1]},
			now:   at(45),
			want:  intervention.KPIs{DelaiEcoule: 45},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := intervention.Compute(tt.facts, tt.now)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Compute (-want +got):\n%s", diff)
			}
		})
	}
}

// TestComputeCostBounds: costs are exact up to the bounds of rates, prices and quantities,
// and beyond what int64 centimes hold they are refused, never wrapped around (an hourly
// rate of 2^63-1 once gave a labour cost of 0).
func TestComputeCostBounds(t *testing.T) {
	t0 := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	running := func(years int) []intervention.Step {
		return []intervention.Step{{Statut: "EN_COURS", At: t0.AddDate(-years, 0, 0)}}
	}
	maxParts := int64(domain.MaxQuantite) * domain.MaxMontantCentimes
	// A Duration holds 292 years: the time spent EN_COURS is counted up to that.
	maxMinutes := math.MaxInt64 / int64(time.Minute)
	tests := []struct {
		name       string
		facts      intervention.Facts
		wantLabour int64
		wantTotal  int64
		overflow   bool
	}{
		{"RateAtItsBoundForAYear", intervention.Facts{History: running(1), TauxHoraire: domain.MaxTauxHoraireCentimes, CoutPieces: maxParts},
			365 * 24 * domain.MaxTauxHoraireCentimes, 365*24*domain.MaxTauxHoraireCentimes + maxParts, false},
		{"RateAtItsBoundForCenturies", intervention.Facts{History: running(300), TauxHoraire: domain.MaxTauxHoraireCentimes},
			maxMinutes * domain.MaxTauxHoraireCentimes / 60, maxMinutes * domain.MaxTauxHoraireCentimes / 60, false},
		{"RateOfMaxInt64", intervention.Facts{History: running(1), TauxHoraire: math.MaxInt64}, 0, 0, true},
		// A year is 525,600 minutes: minutes × rate goes beyond int64, the labour cost does not.
		{"ProductBeyondInt64", intervention.Facts{History: running(1), TauxHoraire: math.MaxInt64 / 525600 * 30},
			math.MaxInt64 / 525600 * 30 * 8760, math.MaxInt64 / 525600 * 30 * 8760, false},
		{"TotalBeyondInt64", intervention.Facts{History: running(1), TauxHoraire: domain.MaxTauxHoraireCentimes, CoutPieces: math.MaxInt64}, 0, 0, true},
		{"PartsNotSummed", intervention.Facts{CostErr: intervention.ErrCostOverflow}, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.facts.Statut, tt.facts.DateCreation = "EN_COURS", t0.AddDate(-300, 0, 0)
			k := intervention.Compute(tt.facts, t0)
			if got := k.CostErr != nil; got != tt.overflow {
				t.Fatalf("CostErr = %v, want an overflow: %t", k.CostErr, tt.overflow)
			}
			if k.CoutMainOeuvre != tt.wantLabour || k.CoutTotal != tt.wantTotal {
				t.Errorf("labour %d, total %d; want %d, %d", k.CoutMainOeuvre, k.CoutTotal, tt.wantLabour, tt.wantTotal)
			}
		})
	}
}

func TestLineCost(t *testing.T) {
	tests := []struct {
		name     string
		quantite int
		prix     int64
		want     int64
		overflow bool
	}{
		{"AtTheBounds", domain.MaxQuantite, domain.MaxMontantCentimes, int64(domain.MaxQuantite) * domain.MaxMontantCentimes, false},
		{"BeyondInt64", 2, math.MaxInt64, 0, true},
		{"Negative", -1, 100, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := intervention.LineCost(tt.quantite, tt.prix)
			if got != tt.want || (err != nil) != tt.overflow {
				t.Errorf("LineCost(%d, %d) = %d, %v; want %d, overflow %t", tt.quantite, tt.prix, got, err, tt.want, tt.overflow)
			}
		})
	}
	if _, err := intervention.AddCost(math.MaxInt64, 1); err == nil {
		t.Error("AddCost(MaxInt64, 1): no overflow")
	}
}

// A declared field needs what it declares; one not declared needs every fact.
func TestFieldNeedsOf(t *testing.T) {
	needs := intervention.FieldNeeds{"dureeSaisie": intervention.NeedTemps, "enRetard": 0}
	cases := []struct {
		field    string
		need     intervention.Need
		declared bool
	}{
		{"dureeSaisie", intervention.NeedTemps, true},
		{"enRetard", 0, true},
		{"inconnu", intervention.NeedAll, false},
	}
	for _, c := range cases {
		if need, declared := needs.Of(c.field); need != c.need || declared != c.declared {
			t.Errorf("Of(%q) = %b, %v; want %b, %v", c.field, need, declared, c.need, c.declared)
		}
	}
}
