package planning_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/localtime"
)

const moveStatut = `mutation($id: ID!, $s: InterventionStatut!) { changeInterventionStatut(id: $id, statut: $s) { statut } }`

// floatEnv is a scheduler test server whose plannings give their work to a technician, who
// closes it through the API.
type floatEnv struct {
	*schedEnv
	tech        *ent.Technicien
	techUser    *ent.User
	responsable *ent.User
}

func newFloatEnv(t *testing.T, now time.Time) *floatEnv {
	t.Helper()
	env := apptest.New(t, func(c *config.Config) { c.Zone = localtime.UTC(); c.RapportRequis = false })
	env.Clock.Set(now)
	e := &floatEnv{schedEnv: &schedEnv{Env: env, eq: env.Client.Equipement.Create().SetNom("Compresseur").SetCode("EQ-CP").SaveX(env.Sys)}}
	e.techUser = env.User(t, "Tech", domain.RoleTechnicien)
	e.tech = env.Client.Technicien.Create().SetUser(e.techUser).SaveX(env.Sys)
	e.responsable = env.User(t, "Resp", domain.RoleResponsable)
	return e
}

func (e *floatEnv) plan(t *testing.T, flottant bool, freq domain.Frequence, first time.Time) *ent.Planning {
	t.Helper()
	return e.Client.Planning.Create().SetTitre("Vidange").SetFrequence(freq).SetProchaineDate(first).SetDateDebut(first).
		SetEquipement(e.eq).SetTechnicien(e.tech).SetFlottant(flottant).SaveX(e.Sys)
}

// close has the technician start and close iv at the clock's time.
func (e *floatEnv) close(t *testing.T, iv *ent.Intervention) {
	t.Helper()
	api := e.As(t, e.techUser) // a token of the clock's time: the tests move it by months
	for _, s := range []string{"EN_COURS", "CLOTUREE"} {
		api.MustData(moveStatut, map[string]any{"id": strconv.Itoa(iv.ID), "s": s}, new(any))
	}
}

func (e *floatEnv) prochaine(p *ent.Planning) time.Time {
	return e.Client.Planning.GetX(e.Sys, p.ID).ProchaineDate.UTC()
}

func TestFloatingPlanning(t *testing.T) {
	due := at(2028, 3, 1, 8)
	tests := []struct {
		name     string
		flottant bool
		closedAt time.Time
		// wantNext is prochaineDate once the occurrence is closed; wantSecond the échéance of
		// the occurrence a run at wantNext creates.
		wantNext time.Time
	}{
		// The calendar says 1 April: closed 2 days late, the next is 3 April at the closing hour.
		{"ClosedSoon", true, at(2028, 3, 3, 15), at(2028, 4, 3, 15)},
		// Closed three weeks late, it moves three weeks later.
		{"ClosedLate", true, at(2028, 3, 22, 9), at(2028, 4, 22, 9)},
		{"ClosedOnTime", true, at(2028, 3, 1, 11), at(2028, 4, 1, 11)},
		// A calendar plan ignores the closure.
		{"NotFloating", false, at(2028, 3, 22, 9), at(2028, 4, 1, 8)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newFloatEnv(t, due)
			p := e.plan(t, tt.flottant, domain.FrequenceMensuel, due)
			if run := e.run(t); run.Created != 1 {
				t.Fatalf("first run created %d", run.Created)
			}
			first := e.interventionsOf(p)[0]
			if first.Statut != domain.StatutAffectee || !first.DateEcheance.Equal(due) {
				t.Fatalf("first occurrence: %s due %v", first.Statut, first.DateEcheance)
			}

			// Past the calendar's next date with the work still open: a floating plan waits.
			e.Clock.Set(at(2028, 4, 2, 8))
			run := e.run(t)
			n := len(e.interventionsOf(p))
			if tt.flottant && (run.Created != 0 || n != 1) {
				t.Errorf("while its occurrence is open: run created %d, %d interventions; want none more", run.Created, n)
			}
			if !tt.flottant && (run.Created != 1 || n != 2) {
				t.Errorf("calendar plan: run created %d, %d interventions; want the April occurrence", run.Created, n)
			}
			if again := e.run(t); again.Created != 0 {
				t.Errorf("a repeated run created %d", again.Created)
			}

			e.Clock.Set(tt.closedAt)
			e.close(t, first)
			if !tt.flottant {
				if got := e.prochaine(p); !got.Equal(at(2028, 5, 1, 8)) {
					t.Errorf("calendar plan's prochaineDate = %v after the closure, want 2028-05-01 08:00 unchanged", got)
				}
				return
			}
			if got := e.prochaine(p); !got.Equal(tt.wantNext) {
				t.Fatalf("prochaineDate = %v after closing at %v, want %v", got, tt.closedAt, tt.wantNext)
			}

			// Just before it, nothing; at it, one occurrence, once.
			e.Clock.Set(tt.wantNext.Add(-time.Minute))
			if run := e.run(t); run.Created != 0 {
				t.Errorf("a run before the next date created %d", run.Created)
			}
			e.Clock.Set(tt.wantNext)
			e.run(t)
			e.run(t)
			ivs := e.interventionsOf(p)
			if len(ivs) != 2 || !ivs[1].DateEcheance.Equal(tt.wantNext) {
				t.Errorf("after the next date: %d interventions, last due %v; want 2, due %v", len(ivs), ivs[len(ivs)-1].DateEcheance, tt.wantNext)
			}
		})
	}
}

// A cancelled occurrence was not done: the plan falls back on its provisional date, one
// interval after the cancelled occurrence, instead of counting from the cancellation.
func TestFloatingPlanningCancelled(t *testing.T) {
	due := at(2028, 3, 1, 8)
	e := newFloatEnv(t, due)
	p := e.plan(t, true, domain.FrequenceHebdomadaire, due)
	e.run(t)
	iv := e.interventionsOf(p)[0]
	e.Clock.Set(at(2028, 3, 20, 10))
	e.As(t, e.responsable).MustData(moveStatut, map[string]any{"id": strconv.Itoa(iv.ID), "s": "ANNULEE"}, new(any))
	if got, want := e.prochaine(p), at(2028, 3, 8, 8); !got.Equal(want) {
		t.Errorf("prochaineDate = %v after the cancellation, want %v", got, want)
	}
	if run := e.run(t); run.Created != 1 {
		t.Errorf("the run after the cancellation created %d, want the overdue occurrence", run.Created)
	}
}

// An older occurrence closed late does not pull the plan back: only the latest one moves it.
func TestFloatingPlanningOlderOccurrence(t *testing.T) {
	due := at(2028, 3, 1, 8)
	e := newFloatEnv(t, due)
	p := e.plan(t, false, domain.FrequenceMensuel, due)
	e.run(t)
	e.Clock.Set(at(2028, 4, 1, 8))
	e.run(t)
	ivs := e.interventionsOf(p)
	// Made floating with two occurrences open, the April one is the latest.
	e.Client.Planning.UpdateOneID(p.ID).SetFlottant(true).ExecX(e.Sys)
	e.Clock.Set(at(2028, 4, 10, 9))
	e.close(t, ivs[0])
	if got, want := e.prochaine(p), at(2028, 5, 1, 8); !got.Equal(want) {
		t.Errorf("closing the March occurrence moved prochaineDate to %v, want %v", got, want)
	}
	e.close(t, ivs[1])
	if got, want := e.prochaine(p), at(2028, 5, 10, 9); !got.Equal(want) {
		t.Errorf("closing the April occurrence: prochaineDate %v, want %v", got, want)
	}
}

// With the real clock: the next date is the stored closing date plus one interval.
func TestFloatingPlanningRealClock(t *testing.T) {
	e := newFloatEnv(t, time.Now().UTC().Truncate(time.Second))
	e.Clock.Run()
	p := e.plan(t, true, domain.FrequenceJournalier, e.Clock.Now().Add(-time.Hour))
	e.run(t)
	iv := e.interventionsOf(p)[0]
	e.close(t, iv)
	closed := e.Client.Intervention.GetX(e.Sys, iv.ID).DateCloture
	if closed == nil {
		t.Fatal("no closing date")
	}
	if got, want := e.prochaine(p), closed.UTC().AddDate(0, 0, 1); !got.Equal(want) {
		t.Errorf("prochaineDate = %v, want the closure %v plus a day", got, closed.UTC())
	}
	if run := e.run(t); run.Created != 0 {
		t.Errorf("a run right after the closure created %d", run.Created)
	}
}

// The forecast of a floating planning is its next date only: the later ones depend on when
// that work is closed.
func TestFloatingPlanningForecast(t *testing.T) {
	e := newFloatEnv(t, at(2028, 3, 1, 8))
	floating := e.plan(t, true, domain.FrequenceHebdomadaire, at(2028, 3, 2, 8))
	calendar := e.plan(t, false, domain.FrequenceHebdomadaire, at(2028, 3, 2, 9))
	got, err := e.Deps.Plannings.Forecast(e.Sys, at(2028, 3, 1, 0), at(2028, 3, 20, 0))
	if err != nil {
		t.Fatal(err)
	}
	count := map[int]int{}
	for _, f := range got {
		count[f.Planning.ID]++
	}
	if count[floating.ID] != 1 || count[calendar.ID] != 3 {
		t.Errorf("forecast: %d occurrences of the floating plan (want 1), %d of the calendar one (want 3)", count[floating.ID], count[calendar.ID])
	}
}

// flottant is set on create and update through the API, and is false unless asked.
func TestFloatingPlanningInput(t *testing.T) {
	e := newFloatEnv(t, at(2028, 3, 1, 8))
	api := e.As(t, e.responsable)
	const create = `mutation($in: CreatePlanningInput!) { createPlanning(input: $in) { id flottant } }`
	const update = `mutation($id: ID!, $in: UpdatePlanningInput!) { updatePlanning(id: $id, input: $in) { flottant } }`
	in := map[string]any{"titre": "Vidange", "frequence": "MENSUEL", "prochaineDate": "2028-03-10T08:00:00Z", "equipementID": e.eq.ID}
	var plain, floating struct {
		CreatePlanning struct {
			ID       string
			Flottant bool
		}
	}
	api.MustData(create, map[string]any{"in": in}, &plain)
	in["flottant"] = true
	api.MustData(create, map[string]any{"in": in}, &floating)
	if plain.CreatePlanning.Flottant || !floating.CreatePlanning.Flottant {
		t.Errorf("created flottant %t and %t, want false and true", plain.CreatePlanning.Flottant, floating.CreatePlanning.Flottant)
	}
	var got struct{ UpdatePlanning struct{ Flottant bool } }
	api.MustData(update, map[string]any{"id": plain.CreatePlanning.ID, "in": map[string]any{"flottant": true}}, &got)
	if !got.UpdatePlanning.Flottant {
		t.Error("updatePlanning(flottant: true) left it false")
	}
}
