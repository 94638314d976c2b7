package planning_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/historiqueintervention"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/notification"
	"github.com/mifmaroc/erp/ent/schedulerrun"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/localtime"
)

type schedEnv struct {
	*apptest.Env
	eq *ent.Equipement
}

// newSchedEnv is a server whose clock reads now, with its calendar in UTC: these tests are
// about the scheduler's runs, written in UTC; the calendar in a zone whose offset changes is
// TestOccurrenceAcrossRamadan's and graph's TestPlanningAcrossRamadan's.
func newSchedEnv(t testing.TB, now time.Time) *schedEnv {
	t.Helper()
	env := apptest.New(t, func(c *config.Config) { c.Zone = localtime.UTC() })
	env.Clock.Set(now)
	return &schedEnv{Env: env, eq: env.Client.Equipement.Create().SetNom("Chaudière").SetCode("EQ-CH").SaveX(env.Sys)}
}

func (e *schedEnv) plan(t testing.TB, titre string, freq domain.Frequence, n int, first time.Time, statut domain.PlanningStatut) *ent.Planning {
	t.Helper()
	return e.Client.Planning.Create().SetTitre(titre).SetFrequence(freq).SetIntervalle(n).
		SetProchaineDate(first).SetDateDebut(first).SetStatut(statut).SetEquipement(e.eq).SaveX(e.Sys)
}

func (e *schedEnv) run(t testing.TB) *ent.SchedulerRun {
	t.Helper()
	run, err := e.Deps.Scheduler.Run(context.Background(), schedulerrun.DeclencheurMANUEL)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func (e *schedEnv) interventionsOf(p *ent.Planning) []*ent.Intervention {
	return e.Client.Intervention.Query().Where(intervention.PlanningID(p.ID)).Order(ent.Asc(intervention.FieldDateEcheance)).AllX(e.Sys)
}

func at(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }

func TestRun(t *testing.T) {
	now := at(2028, 2, 29, 10)
	tests := []struct {
		name         string
		freq         domain.Frequence
		n            int
		first        time.Time
		statut       domain.PlanningStatut
		wantEcheance []time.Time // the interventions created
		wantNext     time.Time
	}{
		{"Due", "HEBDOMADAIRE", 1, at(2028, 2, 28, 8), "ACTIF", []time.Time{at(2028, 2, 28, 8)}, at(2028, 3, 6, 8)},
		{"NotDue", "HEBDOMADAIRE", 1, at(2028, 3, 1, 8), "ACTIF", nil, at(2028, 3, 1, 8)},
		{"CatchUpMakesOne", "MENSUEL", 1, at(2027, 10, 15, 8), "ACTIF", []time.Time{at(2028, 2, 15, 8)}, at(2028, 3, 15, 8)},
		{"MonthEndLeapDay", "MENSUEL", 1, at(2028, 1, 31, 8), "ACTIF", []time.Time{at(2028, 2, 29, 8)}, at(2028, 3, 31, 8)},
		{"LeapDayYearly", "ANNUEL", 1, at(2024, 2, 29, 8), "ACTIF", []time.Time{at(2028, 2, 29, 8)}, at(2029, 2, 28, 8)},
		{"Suspended", "JOURNALIER", 1, at(2028, 2, 1, 8), "SUSPENDU", nil, at(2028, 2, 1, 8)},
		{"Finished", "JOURNALIER", 1, at(2028, 2, 1, 8), "TERMINE", nil, at(2028, 2, 1, 8)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newSchedEnv(t, now)
			p := e.plan(t, "Contrôle "+tt.name, tt.freq, tt.n, tt.first, tt.statut)
			run := e.run(t)

			var got []time.Time
			for _, iv := range e.interventionsOf(p) {
				got = append(got, iv.DateEcheance.UTC())
				if iv.Type != domain.TypePreventive || iv.Statut != domain.StatutOuverte || *iv.EquipementID != e.eq.ID || iv.Titre != p.Titre {
					t.Errorf("created %+v", iv)
				}
			}
			if diff := cmp.Diff(tt.wantEcheance, got); diff != "" {
				t.Errorf("interventions' échéances (-want +got):\n%s", diff)
			}
			after := e.Client.Planning.GetX(e.Sys, p.ID)
			if !after.ProchaineDate.Equal(tt.wantNext) {
				t.Errorf("prochaineDate = %v, want %v", after.ProchaineDate.UTC(), tt.wantNext)
			}
			if len(tt.wantEcheance) > 0 && (after.DerniereDate == nil || !after.DerniereDate.Equal(tt.wantEcheance[0])) {
				t.Errorf("derniereDate = %v, want %v", after.DerniereDate, tt.wantEcheance[0])
			}
			if run.Created != len(tt.wantEcheance) || run.Due != len(tt.wantEcheance) || run.Errors != 0 {
				t.Errorf("run = due %d, created %d, errors %d", run.Due, run.Created, run.Errors)
			}

			// A second run right after finds nothing to do.
			again := e.run(t)
			if again.Due != 0 || again.Created != 0 || len(e.interventionsOf(p)) != len(tt.wantEcheance) {
				t.Errorf("second run: due %d, created %d, %d interventions", again.Due, again.Created, len(e.interventionsOf(p)))
			}
		})
	}
}

func TestRunAttributesToSystemUserAndAssigns(t *testing.T) {
	e := newSchedEnv(t, at(2026, 6, 1, 7))
	techUser := e.User(t, "Tech", domain.RoleTechnicien)
	tech := e.Client.Technicien.Create().SetUser(techUser).SaveX(e.Sys)
	p := e.Client.Planning.Create().SetTitre("Graissage").SetFrequence("MENSUEL").SetProchaineDate(at(2026, 6, 1, 6)).
		SetEquipement(e.eq).SetTechnicien(tech).SetPriorite(domain.PrioriteHaute).SetDureeEstimee(45).SaveX(e.Sys)
	e.run(t)

	ivs := e.interventionsOf(p)
	if len(ivs) != 1 {
		t.Fatalf("%d interventions, want 1", len(ivs))
	}
	iv := ivs[0]
	sysUser, err := auth.EnsureSystemUser(context.Background(), e.Client)
	if err != nil {
		t.Fatal(err)
	}
	if iv.Statut != domain.StatutAffectee || iv.TechnicienID == nil || *iv.TechnicienID != tech.ID ||
		iv.DemandeurID == nil || *iv.DemandeurID != sysUser.ID || *iv.DureeEstimee != 45 || iv.DateLimite == nil {
		t.Errorf("intervention = %+v", iv)
	}
	var hist []string
	for _, h := range e.Client.HistoriqueIntervention.Query().Where(historiqueintervention.InterventionID(iv.ID)).
		Order(ent.Asc(historiqueintervention.FieldID)).AllX(e.Sys) {
		if h.UserID != sysUser.ID {
			t.Errorf("history line by user %d, want the system user %d", h.UserID, sysUser.ID)
		}
		if h.Champ != nil { // the audit line of the technician, as for any assignment
			hist = append(hist, *h.Champ)
			continue
		}
		hist = append(hist, string(h.NouveauStatut))
	}
	if diff := cmp.Diff([]string{"OUVERTE", "AFFECTEE", "technicien"}, hist); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	n := e.Client.Notification.Query().
		Where(notification.UserID(techUser.ID), notification.InterventionID(iv.ID), notification.TypeEQ(domain.NotificationAffectation)).
		CountX(e.Sys)
	if n != 1 {
		t.Errorf("%d assignment notifications for the technician, want 1", n)
	}
	if sysUser.IsActive || auth.VerifyPassword(sysUser.PasswordHash, "") {
		t.Error("the system user must not be able to log in")
	}
}

// TestRunRepairsInterruptedRun: a crash after creating the intervention but before moving the
// dates leaves a state the next run completes without a duplicate.
func TestRunRepairsInterruptedRun(t *testing.T) {
	e := newSchedEnv(t, at(2026, 6, 10, 9))
	p := e.plan(t, "Vidange", "HEBDOMADAIRE", 1, at(2026, 6, 8, 8), "ACTIF")
	e.Client.Intervention.Create().SetTitre("Vidange").SetType(domain.TypePreventive).SetPlanningID(p.ID).
		SetDateEcheance(at(2026, 6, 8, 8)).SaveX(e.Sys)

	run := e.run(t)
	if run.Created != 0 || run.Skipped != 1 {
		t.Errorf("run: created %d, skipped %d; want 0 and 1", run.Created, run.Skipped)
	}
	if n := len(e.interventionsOf(p)); n != 1 {
		t.Errorf("%d interventions, want 1", n)
	}
	if after := e.Client.Planning.GetX(e.Sys, p.ID); !after.ProchaineDate.Equal(at(2026, 6, 15, 8)) {
		t.Errorf("prochaineDate = %v, want the repair to move it on", after.ProchaineDate)
	}
}

// TestRacingSchedulers: two schedulers run at once on the same database; every due
// occurrence gets exactly one intervention.
func TestRacingSchedulers(t *testing.T) {
	e := newSchedEnv(t, at(2026, 9, 1, 12))
	const plans = 60
	bulk := make([]*ent.PlanningCreate, plans)
	for i := range bulk {
		first := at(2026, 8, 1+i%28, 8)
		bulk[i] = e.Client.Planning.Create().SetTitre("P" + strconv.Itoa(i)).SetFrequence("MENSUEL").
			SetProchaineDate(first).SetDateDebut(first).SetEquipement(e.eq)
	}
	e.Client.Planning.CreateBulk(bulk...).SaveX(e.Sys)

	var wg sync.WaitGroup
	runs := make([]*ent.SchedulerRun, 2)
	errs := make([]error, 2)
	for i := range runs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := *e.Deps.Scheduler
			r.Batch = 7 // interleave the two runs' batches
			runs[i], errs[i] = r.Run(context.Background(), schedulerrun.DeclencheurPLANIFIE)
		}(i)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	total := e.Client.Intervention.Query().CountX(e.Sys)
	if total != plans || runs[0].Created+runs[1].Created != plans || runs[0].Errors+runs[1].Errors != 0 {
		t.Errorf("%d interventions; runs created %d + %d (errors %d + %d); want %d in all",
			total, runs[0].Created, runs[1].Created, runs[0].Errors, runs[1].Errors, plans)
	}
}

// TestRunOutOfBounds: a planning whose interval is beyond its bound (written before the
// bound existed; the API refuses it now) fails alone, with a message saying what to
// correct, never the database's; the other plannings are created as usual.
func TestRunOutOfBounds(t *testing.T) {
	now := at(2028, 2, 29, 10)
	e := newSchedEnv(t, now)
	bad := e.plan(t, "Révision millénaire", "ANNUEL", 1, at(2027, 1, 1, 8), "ACTIF")
	good := e.plan(t, "Contrôle", "HEBDOMADAIRE", 1, at(2028, 2, 28, 8), "ACTIF")
	if _, err := e.Client.ExecContext(e.Sys, "UPDATE plannings SET intervalle = 1000000 WHERE id = "+strconv.Itoa(bad.ID)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Client.Planning.UpdateOneID(good.ID).SetIntervalle(domain.MaxIntervalle + 1).Save(e.Sys); !ent.IsValidationError(err) {
		t.Errorf("intervalle beyond its bound: err = %v, want a validation error", err)
	}

	run := e.run(t)
	want := "planning " + strconv.Itoa(bad.ID) + ": intervalle 1000000 (frequence ANNUEL) is outside 1 to 1000: correct the planning"
	if run.Errors != 1 || run.Created != 1 || run.ErrorDetail != want {
		t.Errorf("run: %d errors, %d created, detail %q; want 1, 1, %q", run.Errors, run.Created, run.ErrorDetail, want)
	}
	if n := len(e.interventionsOf(bad)); n != 0 {
		t.Errorf("%d interventions of the planning out of bounds, want none", n)
	}
}
