package graph_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/compteur"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
)

// Tests of meters, readings and usage-based plannings through the real HTTP handler on a
// fresh database per test (plEnv: one user per role, two equipements, the calendar in UTC).

const (
	ctCreate  = `mutation($in: CreateCompteurInput!) { createCompteur(input: $in) { id nom unite libelleUnite actif equipement { id } } }`
	ctReleve  = `mutation($in: EnregistrerReleveInput!) { enregistrerReleve(input: $in) { id valeur dateReleve remiseAZero } }`
	ctRead    = `query($id: ID!, $jours: Int) { node(id: $id) { ... on Compteur { derniereValeur usageCumule tauxUtilisation(jours: $jours) releves(first: 20) { totalCount edges { node { valeur dateReleve remiseAZero } } } } } }`
	ctPlan    = `mutation($input: CreatePlanningInput!) { createPlanning(input: $input) { id declencheur prochainSeuil intervalleCompteur } }`
	ctWOs     = `query($id: ID!) { node(id: $id) { ... on Planning { prochainSeuil prochaineDate interventions(first: 20) { edges { node { type dateEcheance } } } } } }`
	ctForcast = `query($id: ID!, $n: Int) { planningForecast(id: $id, occurrences: $n) { date base seuil tauxUtilisation } }`
)

type ctReleveOut struct {
	ID          string
	Valeur      float64
	DateReleve  time.Time
	RemiseAZero bool
}

// compteur creates a meter on the plEnv's first equipement and returns its id.
func (e *plEnv) compteur(t *testing.T) string {
	t.Helper()
	var out struct{ CreateCompteur struct{ ID string } }
	e.As(t, e.resp).MustData(ctCreate, map[string]any{"in": map[string]any{
		"nom": " Heures moteur ", "unite": "HEURES", "equipementID": plID(e.eq.ID)}}, &out)
	return out.CreateCompteur.ID
}

// releve records a reading as c.
func releve(t *testing.T, c *gqltest.Client, id string, valeur float64, at time.Time, reset bool) ctReleveOut {
	t.Helper()
	var out struct{ EnregistrerReleve ctReleveOut }
	c.MustData(ctReleve, map[string]any{"in": map[string]any{
		"compteurID": id, "valeur": valeur, "date": plRFC(at), "remiseAZero": reset}}, &out)
	return out.EnregistrerReleve
}

type ctState struct {
	DerniereValeur  *float64
	UsageCumule     float64
	TauxUtilisation *float64
	Releves         struct {
		TotalCount int
		Edges      []struct{ Node ctReleveOut }
	}
}

func ctReadOf(t *testing.T, c *gqltest.Client, id string, jours int) ctState {
	t.Helper()
	var out struct{ Node ctState }
	c.MustData(ctRead, map[string]any{"id": id, "jours": jours}, &out)
	return out.Node
}

func TestCompteurReleves(t *testing.T) {
	e := newPlEnv(t)
	now := plAt(2026, 12, 1, 12)
	e.Clock.Set(now)
	id := e.compteur(t)
	tech := e.As(t, e.techUser)
	day := func(n int) time.Time { return now.AddDate(0, 0, n) }

	releve(t, tech, id, 100, day(-20), false)
	releve(t, tech, id, 300, day(-10), false)

	t.Run("BelowThePreviousIsRefused", func(t *testing.T) {
		before := ctReadOf(t, e.As(t, e.resp), id, 30)
		err := tech.MustFail(ctReleve, map[string]any{"in": map[string]any{"compteurID": id, "valeur": 250, "date": plRFC(day(-5))}})
		if err.Code() != string(domain.CodeBadUserInput) || !strings.Contains(err.Message, "300") || !strings.Contains(err.Message, "21/11/2026") {
			t.Errorf("error %s %q, want BAD_USER_INPUT naming 300 and 21/11/2026", err.Code(), err.Message)
		}
		if diff := cmp.Diff(before, ctReadOf(t, e.As(t, e.resp), id, 30)); diff != "" {
			t.Errorf("a refused reading changed the meter (-before +after):\n%s", diff)
		}
	})
	t.Run("FromThePastInOrder", func(t *testing.T) {
		releve(t, tech, id, 200, day(-15), false)
		err := tech.MustFail(ctReleve, map[string]any{"in": map[string]any{"compteurID": id, "valeur": 350, "date": plRFC(day(-12))}})
		if err.Code() != string(domain.CodeBadUserInput) {
			t.Errorf("a past reading above the next one: %s, want BAD_USER_INPUT", err.Code())
		}
	})
	t.Run("RepeatedReadingIsOne", func(t *testing.T) {
		a := releve(t, tech, id, 400, day(-5), false)
		b := releve(t, e.As(t, e.resp), id, 400, day(-5), false)
		if a.ID != b.ID {
			t.Errorf("the same reading twice gave ids %s and %s", a.ID, b.ID)
		}
		err := tech.MustFail(ctReleve, map[string]any{"in": map[string]any{"compteurID": id, "valeur": 410, "date": plRFC(day(-5))}})
		if err.Code() != string(domain.CodeConflict) {
			t.Errorf("another value at the same date: %s, want CONFLICT", err.Code())
		}
	})
	t.Run("ResetDeclared", func(t *testing.T) {
		releve(t, tech, id, 20, day(-2), true)
		releve(t, tech, id, 80, day(-1), false)
	})
	t.Run("Future", func(t *testing.T) {
		err := tech.MustFail(ctReleve, map[string]any{"in": map[string]any{"compteurID": id, "valeur": 900, "date": plRFC(day(1))}})
		if err.Code() != string(domain.CodeBadUserInput) {
			t.Errorf("a reading in the future: %s, want BAD_USER_INPUT", err.Code())
		}
	})
	t.Run("ClientCannotRecord", func(t *testing.T) {
		err := e.As(t, e.clientUser).MustFail(ctReleve, map[string]any{"in": map[string]any{"compteurID": id, "valeur": 900}})
		if err.Code() != string(domain.CodeForbidden) {
			t.Errorf("a client's reading: %s, want FORBIDDEN", err.Code())
		}
	})
	t.Run("Read", func(t *testing.T) {
		got := ctReadOf(t, tech, id, 30)
		// 100 → 200 → 300 → 400, reset at 20 (adds nothing), 80: usage 400 + 60.
		if got.DerniereValeur == nil || *got.DerniereValeur != 80 || got.UsageCumule != 460 {
			t.Errorf("derniereValeur %v, usageCumule %v; want 80, 460", got.DerniereValeur, got.UsageCumule)
		}
		// 360 units between day -20 and day -1: 19 days.
		if got.TauxUtilisation == nil || math.Abs(*got.TauxUtilisation-360.0/19) > 1e-9 {
			t.Errorf("tauxUtilisation(30) = %v, want %v", got.TauxUtilisation, 360.0/19)
		}
		var vals []float64
		for _, ed := range got.Releves.Edges {
			vals = append(vals, ed.Node.Valeur)
		}
		if diff := cmp.Diff([]float64{80, 20, 400, 300, 200, 100}, vals); diff != "" || got.Releves.TotalCount != 6 {
			t.Errorf("releves newest first (%d) (-want +got):\n%s", got.Releves.TotalCount, diff)
		}
		if short := ctReadOf(t, tech, id, 3); short.TauxUtilisation == nil || *short.TauxUtilisation != 60 {
			t.Errorf("tauxUtilisation(3) = %v, want 60 (the reset adds nothing)", short.TauxUtilisation)
		}
	})
}

type ctPlanState struct {
	ProchainSeuil *float64
	ProchaineDate time.Time
	Interventions struct {
		Edges []struct {
			Node struct {
				Type         string
				DateEcheance time.Time
			}
		}
	}
}

func (e *plEnv) planState(t *testing.T, id string) ctPlanState {
	t.Helper()
	var out struct{ Node ctPlanState }
	e.As(t, e.resp).MustData(ctWOs, map[string]any{"id": id}, &out)
	return out.Node
}

func (e *plEnv) usagePlan(t *testing.T, compteurID string, in map[string]any) string {
	t.Helper()
	input := map[string]any{"titre": "Vidange compresseur", "frequence": "MENSUEL", "prochaineDate": plRFC(e.Clock.Now().AddDate(1, 0, 0)),
		"equipementID": plID(e.eq.ID), "compteurID": compteurID, "intervalleCompteur": 500}
	for k, v := range in {
		input[k] = v
	}
	var out struct{ CreatePlanning struct{ ID string } }
	e.As(t, e.resp).MustData(ctPlan, map[string]any{"input": input}, &out)
	return out.CreatePlanning.ID
}

func TestCompteurPlanning(t *testing.T) {
	for _, clock := range []string{"FrozenClock", "RealClock"} {
		t.Run(clock, func(t *testing.T) {
			e := newPlEnv(t)
			if clock == "RealClock" {
				e.Clock.Run()
			}
			start := e.Clock.Now().AddDate(0, 0, -30)
			id := e.compteur(t)
			tech := e.As(t, e.techUser)
			releve(t, tech, id, 0, start, false)
			plan := e.usagePlan(t, id, nil)
			at := func(d int) time.Time { return start.AddDate(0, 0, d) }
			count := func(want int, seuil float64, why string) {
				t.Helper()
				s := e.planState(t, plan)
				if len(s.Interventions.Edges) != want || s.ProchainSeuil == nil || *s.ProchainSeuil != seuil {
					t.Fatalf("%s: %d interventions, prochainSeuil %v; want %d, %v", why, len(s.Interventions.Edges), s.ProchainSeuil, want, seuil)
				}
				for _, ed := range s.Interventions.Edges {
					if ed.Node.Type != string(domain.TypePreventive) {
						t.Errorf("%s: an intervention of type %s", why, ed.Node.Type)
					}
				}
			}
			count(0, 500, "created")
			releve(t, tech, id, 480, at(10), false)
			count(0, 500, "below 500")
			releve(t, tech, id, 510, at(12), false)
			count(1, 1000, "crossed 500")
			releve(t, tech, id, 510, at(12), false)
			count(1, 1000, "the same reading again")
			releve(t, tech, id, 700, at(14), false)
			var run struct{ RunPreventiveScheduler plRunOut }
			e.As(t, e.admin).MustData(plRunDoc, nil, &run)
			if r := run.RunPreventiveScheduler; r.Due != 0 || r.Created != 0 {
				t.Errorf("a scheduler run after 700: due %d, created %d; want 0, 0", r.Due, r.Created)
			}
			count(1, 1000, "700, and a scheduler run")
			// The meter is replaced: 800 hours so far, the new one starts at 0.
			releve(t, tech, id, 800, at(16), false)
			releve(t, tech, id, 0, at(17), true)
			releve(t, tech, id, 150, at(18), false)
			count(1, 1000, "reset, 950 hours")
			releve(t, tech, id, 210, at(20), false)
			count(2, 1500, "crossed 1000 across the reset")
			s := e.planState(t, plan)
			var dates []time.Time
			for _, ed := range s.Interventions.Edges {
				dates = append(dates, ed.Node.DateEcheance.UTC())
			}
			want := []time.Time{at(12).Truncate(time.Second), at(20).Truncate(time.Second)}
			for i := range dates {
				dates[i] = dates[i].Truncate(time.Second)
			}
			if diff := cmp.Diff(want, dates); diff != "" {
				t.Errorf("the occurrences fall on the readings that reached 500 and 1000 (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCompteurPremierAtteint(t *testing.T) {
	e := newPlEnv(t)
	now := plAt(2026, 12, 1, 12)
	e.Clock.Set(now)
	id := e.compteur(t)
	tech := e.As(t, e.techUser)
	releve(t, tech, id, 0, now.AddDate(0, 0, -40), false)
	plan := e.usagePlan(t, id, map[string]any{"declencheur": "PREMIER_ATTEINT", "prochaineDate": plRFC(now.AddDate(0, 0, 5))})

	// The meter first: 520 hours before the calendar's date; the calendar restarts from it.
	releve(t, tech, id, 520, now.AddDate(0, 0, -1), false)
	s := e.planState(t, plan)
	if restart := now.AddDate(0, 0, -1).AddDate(0, 1, 0); len(s.Interventions.Edges) != 1 || !s.ProchaineDate.Equal(restart) {
		t.Fatalf("meter first: %d interventions, prochaineDate %s; want 1, %s", len(s.Interventions.Edges), s.ProchaineDate, restart)
	}
	// Then the calendar: its date comes with the meter at 600; the meter restarts from 600.
	releve(t, tech, id, 600, now, false)
	e.Clock.Set(now.AddDate(0, 1, 0))
	e.run(t, 1, 1)
	s = e.planState(t, plan)
	if len(s.Interventions.Edges) != 2 || s.ProchainSeuil == nil || *s.ProchainSeuil != 1100 {
		t.Fatalf("calendar first: %d interventions, prochainSeuil %v; want 2, 1100", len(s.Interventions.Edges), s.ProchainSeuil)
	}
	// A COMPTEUR planning is not the calendar's: a scheduler run leaves it.
	e.usagePlan(t, id, map[string]any{"prochaineDate": plRFC(now)})
	e.run(t, 0, 0)
}

func TestCompteurForecast(t *testing.T) {
	e := newPlEnv(t)
	now := plAt(2026, 12, 1, 12)
	e.Clock.Set(now)
	id := e.compteur(t)
	tech := e.As(t, e.techUser)
	// 20 hours a day over the last 10 days, at 300 hours now: 500 in 10 days, then every 25.
	releve(t, tech, id, 100, now.AddDate(0, 0, -10), false)
	releve(t, tech, id, 300, now, false)
	plan := e.usagePlan(t, id, nil)

	type occ struct {
		Date            time.Time
		Base            string
		Seuil           *float64
		TauxUtilisation *float64
	}
	var out struct{ PlanningForecast []occ }
	e.As(t, e.resp).MustData(ctForcast, map[string]any{"id": plan, "n": 3}, &out)
	f := func(v float64) *float64 { return &v }
	want := []occ{
		{now.AddDate(0, 0, 10), "COMPTEUR", f(500), f(20)},
		{now.AddDate(0, 0, 35), "COMPTEUR", f(1000), f(20)},
		{now.AddDate(0, 0, 60), "COMPTEUR", f(1500), f(20)},
	}
	if diff := cmp.Diff(want, out.PlanningForecast); diff != "" {
		t.Errorf("planningForecast of a 500-hour plan at 20 h/day (-want +got):\n%s", diff)
	}
	// The window's forecast gives the same dates for it.
	got := plForecastOf(t, e.As(t, e.resp), now, now.AddDate(0, 2, 0))
	if diff := cmp.Diff([]plOcc{{want[0].Date, plan}, {want[1].Date, plan}, {want[2].Date, plan}}, got); diff != "" {
		t.Errorf("planningForecast(from, to) (-want +got):\n%s", diff)
	}
	// The forecast is staff's, like plannings.
	if err := tech.MustFail(ctForcast, map[string]any{"id": plan}); err.Code() != string(domain.CodeForbidden) {
		t.Errorf("a technician's forecast: %s, want FORBIDDEN", err.Code())
	}
}

func TestCompteurPlanningInput(t *testing.T) {
	e := newPlEnv(t)
	id := e.compteur(t)
	other := e.Client.Compteur.Create().SetNom("Km").SetUnite("KM").SetEquipement(e.eq2).SaveX(e.Sys)
	base := func(in map[string]any) map[string]any {
		out := map[string]any{"titre": "Vidange", "frequence": "MENSUEL", "prochaineDate": plRFC(e.Clock.Now()), "equipementID": plID(e.eq.ID)}
		for k, v := range in {
			out[k] = v
		}
		return map[string]any{"input": out}
	}
	tests := []struct {
		name string
		in   map[string]any
		code domain.Code
	}{
		{"MeterWithoutStep", map[string]any{"declencheur": "COMPTEUR", "compteurID": id}, domain.CodeBadUserInput},
		{"StepWithoutMeter", map[string]any{"declencheur": "PREMIER_ATTEINT", "intervalleCompteur": 500}, domain.CodeBadUserInput},
		{"ZeroStep", map[string]any{"compteurID": id, "intervalleCompteur": 0}, domain.CodeBadUserInput},
		{"NegativeStep", map[string]any{"compteurID": id, "intervalleCompteur": -5}, domain.CodeBadUserInput},
		{"AnotherEquipementsMeter", map[string]any{"compteurID": plID(other.ID), "intervalleCompteur": 500}, domain.CodeBadUserInput},
		{"CalendarWithAMeter", map[string]any{"declencheur": "CALENDRIER", "compteurID": id, "intervalleCompteur": 500}, domain.CodeBadUserInput},
		{"UnknownMeter", map[string]any{"compteurID": "999", "intervalleCompteur": 500}, domain.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.refused(t, e.As(t, e.resp), ctPlan, base(tt.in), string(tt.code))
		})
	}
	t.Run("MeterAndStepMeanCompteur", func(t *testing.T) {
		releve(t, e.As(t, e.techUser), id, 1234, e.Clock.Now().Add(-time.Hour), false)
		var out struct {
			CreatePlanning struct {
				Declencheur   string
				ProchainSeuil float64
			}
		}
		e.As(t, e.resp).MustData(ctPlan, base(map[string]any{"compteurID": id, "intervalleCompteur": 500}), &out)
		if got := out.CreatePlanning; got.Declencheur != "COMPTEUR" || got.ProchainSeuil != 1500 {
			t.Errorf("declencheur %s, prochainSeuil %v; want COMPTEUR, 1500 (the next multiple of 500)", got.Declencheur, got.ProchainSeuil)
		}
	})
}

// TestCompteurStatementCount: a list of meters with their last value, usage and rate costs
// the same statements for 3 meters as for 25, and each meter shows its own readings.
func TestCompteurStatementCount(t *testing.T) {
	e := newPlEnv(t, everyTokenChecked)
	now := e.Clock.Now()
	for n, eq := range map[int]*ent.Equipement{3: e.eq, 25: e.eq2} {
		for i := range n {
			c := e.Client.Compteur.Create().SetNom(fmt.Sprintf("Heures %d", i)).SetUnite(compteur.UniteHEURES).
				SetEquipement(eq).SaveX(e.Sys)
			e.Client.ReleveCompteur.Create().SetCompteur(c).SetValeur(float64(10 * i)).SetDateReleve(now.Add(-48 * time.Hour)).ExecX(e.Sys)
			e.Client.ReleveCompteur.Create().SetCompteur(c).SetValeur(float64(10*i + 4)).SetDateReleve(now.Add(-24 * time.Hour)).ExecX(e.Sys)
		}
	}
	const q = `query($id: ID!) { node(id: $id) { ... on Equipement { compteurs { nom derniereValeur usageCumule tauxUtilisation(jours: 7) } } } }`
	api := e.As(t, e.resp)
	read := func(eq *ent.Equipement, n int) int64 {
		var out struct {
			Node struct {
				Compteurs []struct {
					Nom             string
					DerniereValeur  *float64
					UsageCumule     float64
					TauxUtilisation *float64
				}
			}
		}
		before := e.DB.Statements()
		api.MustData(q, map[string]any{"id": plID(eq.ID)}, &out)
		spent := e.DB.Statements() - before
		if len(out.Node.Compteurs) != n {
			t.Fatalf("%d meters, want %d", len(out.Node.Compteurs), n)
		}
		for _, c := range out.Node.Compteurs {
			var i int
			if _, err := fmt.Sscanf(c.Nom, "Heures %d", &i); err != nil {
				t.Fatal(err)
			}
			want := float64(10*i + 4)
			if c.DerniereValeur == nil || *c.DerniereValeur != want || c.UsageCumule != want ||
				c.TauxUtilisation == nil || *c.TauxUtilisation != 4 {
				t.Errorf("%s: derniereValeur %v, usageCumule %v, tauxUtilisation %v; want %v, %v, 4 a day",
					c.Nom, c.DerniereValeur, c.UsageCumule, c.TauxUtilisation, want, want)
			}
		}
		return spent
	}
	if small, large := read(e.eq, 3), read(e.eq2, 25); small != large {
		t.Errorf("statements grow with the meters: %d for 3, %d for 25", small, large)
	}
}
