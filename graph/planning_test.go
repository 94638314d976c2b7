package graph_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/ent"
	entintervention "github.com/mifmaroc/erp/ent/intervention"
	entplanning "github.com/mifmaroc/erp/ent/planning"
	entschedulerrun "github.com/mifmaroc/erp/ent/schedulerrun"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/localtime"
)

// Tests of the preventive-maintenance API (createPlanning, updatePlanning, deletePlanning,
// runPreventiveScheduler, planningForecast, schedulerRuns) through the real HTTP handler on
// a fresh database per test. The calendar itself is covered by internal/planning's unit
// tests; these check what the API answers and what it stores. Every refusal also checks
// that the database is exactly as before.

// plEnv is a fresh server with one user per role, a technician and two equipements.
type plEnv struct {
	*apptest.Env
	admin, resp, techUser, clientUser *ent.User
	tech                              *ent.Technicien
	eq, eq2                           *ent.Equipement
}

// newPlEnv's calendar is in UTC, as these tests write their dates, unless configure changes
// it (TestPlanningAcrossRamadan walks it in Casablanca).
func newPlEnv(t *testing.T, configure ...func(*config.Config)) *plEnv {
	t.Helper()
	inUTC := func(c *config.Config) { c.Zone = localtime.UTC() }
	e := &plEnv{Env: apptest.New(t, append([]func(*config.Config){inUTC}, configure...)...)}
	e.admin = e.User(t, "Admin", domain.RoleAdmin)
	e.resp = e.User(t, "Resp", domain.RoleResponsable)
	e.techUser = e.User(t, "Tech", domain.RoleTechnicien)
	e.clientUser = e.User(t, "Client", domain.RoleClient)
	e.tech = e.Client.Technicien.Create().SetUser(e.techUser).SaveX(e.Sys)
	e.eq = e.Client.Equipement.Create().SetNom("Chaudière").SetCode("EQ-CH").SaveX(e.Sys)
	e.eq2 = e.Client.Equipement.Create().SetNom("Compresseur").SetCode("EQ-CO").SaveX(e.Sys)
	return e
}

// plan stores a planning anchored on first (dateDebut = prochaineDate = first).
func (e *plEnv) plan(t *testing.T, titre string, freq domain.Frequence, first time.Time, statut domain.PlanningStatut) *ent.Planning {
	t.Helper()
	return e.Client.Planning.Create().SetTitre(titre).SetFrequence(freq).SetProchaineDate(first).
		SetDateDebut(first).SetStatut(statut).SetEquipement(e.eq).SaveX(e.Sys)
}

func plID(id int) string { return strconv.Itoa(id) }

// plAt is a UTC instant on the hour.
func plAt(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }

func plRFC(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func plUTC(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// plRow is a planning as the database holds it.
type plRow struct {
	ID            int
	Titre         string
	Priorite      domain.Priorite
	Frequence     domain.Frequence
	Intervalle    int
	ProchaineDate time.Time
	DerniereDate  *time.Time
	DateDebut     *time.Time
	Statut        domain.PlanningStatut
	EquipementID  int
	TechnicienID  *int
}

func plRowOf(p *ent.Planning) plRow {
	return plRow{
		ID: p.ID, Titre: p.Titre, Priorite: p.Priorite, Frequence: p.Frequence, Intervalle: p.Intervalle,
		ProchaineDate: p.ProchaineDate.UTC(), DerniereDate: plUTC(p.DerniereDate), DateDebut: plUTC(p.DateDebut),
		Statut: p.Statut, EquipementID: p.EquipementID, TechnicienID: p.TechnicienID,
	}
}

// plIv is an intervention as the database holds it (the fields the scheduler sets).
type plIv struct {
	ID           int
	Titre        string
	Type         domain.InterventionType
	PlanningID   *int
	DateEcheance *time.Time
}

// plState is everything the planning API may change.
type plState struct {
	Plannings     []plRow
	Interventions []plIv
	Runs          int
}

func (e *plEnv) state(t *testing.T) plState {
	t.Helper()
	ps, err := e.Client.Planning.Query().Order(ent.Asc(entplanning.FieldID)).All(e.Sys)
	if err != nil {
		t.Fatalf("reading plannings: %v", err)
	}
	ivs, err := e.Client.Intervention.Query().Order(ent.Asc(entintervention.FieldID)).All(e.Sys)
	if err != nil {
		t.Fatalf("reading interventions: %v", err)
	}
	runs, err := e.Client.SchedulerRun.Query().Count(e.Sys)
	if err != nil {
		t.Fatalf("counting scheduler runs: %v", err)
	}
	s := plState{Plannings: []plRow{}, Interventions: []plIv{}, Runs: runs}
	for _, p := range ps {
		s.Plannings = append(s.Plannings, plRowOf(p))
	}
	for _, iv := range ivs {
		s.Interventions = append(s.Interventions, plIv{ID: iv.ID, Titre: iv.Titre, Type: iv.Type, PlanningID: iv.PlanningID, DateEcheance: plUTC(iv.DateEcheance)})
	}
	return s
}

// row reads one planning from the database.
func (e *plEnv) row(t *testing.T, id int) plRow {
	t.Helper()
	p, err := e.Client.Planning.Get(e.Sys, id)
	if err != nil {
		t.Fatalf("reading planning %d: %v", id, err)
	}
	return plRowOf(p)
}

// plRefused sends doc, which must fail with code, return no data, and leave the database as
// it was.
func (e *plEnv) refused(t *testing.T, api *gqltest.Client, doc string, vars map[string]any, code string) {
	t.Helper()
	before := e.state(t)
	res := api.Do(doc, vars)
	if len(res.Errors) == 0 {
		t.Errorf("expected %s, got data %s", code, res.Data)
	} else if got := res.Errors[0].Code(); got != code {
		t.Errorf("code = %q (%s), want %s", got, res.Errors[0].Message, code)
	}
	var fields map[string]json.RawMessage
	if len(res.Data) > 0 && string(res.Data) != "null" {
		if err := json.Unmarshal(res.Data, &fields); err != nil {
			t.Fatalf("decoding data: %v\n%s", err, res.Data)
		}
	}
	for name, v := range fields {
		if string(v) != "null" {
			t.Errorf("refused request returned data.%s = %s", name, v)
		}
	}
	if diff := cmp.Diff(before, e.state(t)); diff != "" {
		t.Errorf("refused request changed the database (-before +after):\n%s", diff)
	}
}

// plOut is a planning as the API returns it.
type plOut struct {
	ID            string
	Titre         string
	Priorite      string
	Frequence     string
	Intervalle    int
	ProchaineDate time.Time
	DerniereDate  *time.Time
	DateDebut     *time.Time
	Statut        string
	Equipement    struct{ ID string }
	Technicien    *struct{ ID string }
}

const plFields = `id titre priorite frequence intervalle prochaineDate derniereDate dateDebut statut equipement { id } technicien { id }`

// plRunOut is a SchedulerRun as the API returns it.
type plRunOut struct {
	Declencheur string
	StartedAt   time.Time
	Due         int
	Created     int
	Skipped     int
	Errors      int
	ErrorDetail string
	DurationMs  int
}

const (
	plCreateDoc = `mutation($input: CreatePlanningInput!) { createPlanning(input: $input) { ` + plFields + ` } }`
	plUpdateDoc = `mutation($id: ID!, $input: UpdatePlanningInput!) { updatePlanning(id: $id, input: $input) { ` + plFields + ` } }`
	plDeleteDoc = `mutation($id: ID!) { deletePlanning(id: $id) }`
	plRunDoc    = `mutation { runPreventiveScheduler { declencheur startedAt due created skipped errors errorDetail durationMs } }`
	plForecast  = `query($from: Time!, $to: Time!) { planningForecast(from: $from, to: $to) { date planning { id } } }`
)

// run calls runPreventiveScheduler as the admin and checks the run's counters.
func (e *plEnv) run(t *testing.T, due, created int) plRunOut {
	t.Helper()
	var got struct{ RunPreventiveScheduler plRunOut }
	e.As(t, e.admin).MustData(plRunDoc, nil, &got)
	r := got.RunPreventiveScheduler
	want := plRunOut{Declencheur: "MANUEL", StartedAt: e.Clock.Now(), Due: due, Created: created, DurationMs: r.DurationMs}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("runPreventiveScheduler (-want +got):\n%s", diff)
	}
	if r.DurationMs < 0 {
		t.Errorf("durationMs = %d, want ≥ 0", r.DurationMs)
	}
	return r
}

// ---------------------------------------------------------------------------------------
// createPlanning

func TestPlCreatePlanning(t *testing.T) {
	e := newPlEnv(t)

	t.Run("Responsable", func(t *testing.T) {
		before := e.state(t)
		first := plAt(2026, 3, 31, 8)
		var got struct{ CreatePlanning plOut }
		e.As(t, e.resp).MustData(plCreateDoc, map[string]any{"input": map[string]any{
			"titre": "Vidange", "frequence": "MENSUEL", "intervalle": 2,
			"prochaineDate": plRFC(first), "equipementID": plID(e.eq.ID),
		}}, &got)
		out := got.CreatePlanning
		id, err := strconv.Atoi(out.ID)
		if err != nil {
			t.Fatalf("createPlanning id %q: %v", out.ID, err)
		}
		want := plOut{
			ID: out.ID, Titre: "Vidange", Priorite: "PROGRAMMEE", Frequence: "MENSUEL", Intervalle: 2,
			ProchaineDate: first, DateDebut: &first, Statut: "ACTIF",
		}
		want.Equipement.ID = plID(e.eq.ID)
		if diff := cmp.Diff(want, out); diff != "" {
			t.Errorf("createPlanning (-want +got):\n%s", diff)
		}
		wantRow := plRow{
			ID: id, Titre: "Vidange", Priorite: domain.PrioriteProgrammee, Frequence: domain.FrequenceMensuel,
			Intervalle: 2, ProchaineDate: first, DateDebut: &first, Statut: domain.PlanningActif, EquipementID: e.eq.ID,
		}
		wantState := before
		wantState.Plannings = append(slices.Clone(before.Plannings), wantRow)
		if diff := cmp.Diff(wantState, e.state(t)); diff != "" {
			t.Errorf("database after createPlanning (-want +got):\n%s", diff)
		}
	})

	t.Run("AdminWithTechnicienAndAnchor", func(t *testing.T) {
		// An explicit dateDebut is kept: a plan on the 31st whose next occurrence is in February.
		anchor, first := plAt(2026, 1, 31, 8), plAt(2026, 2, 28, 8)
		var got struct{ CreatePlanning plOut }
		e.As(t, e.admin).MustData(plCreateDoc, map[string]any{"input": map[string]any{
			"titre": "Contrôle brûleur", "frequence": "MENSUEL", "prochaineDate": plRFC(first),
			"dateDebut": plRFC(anchor), "statut": "SUSPENDU", "priorite": "HAUTE",
			"equipementID": plID(e.eq2.ID), "technicienID": plID(e.tech.ID),
		}}, &got)
		out := got.CreatePlanning
		id, _ := strconv.Atoi(out.ID)
		want := plOut{
			ID: out.ID, Titre: "Contrôle brûleur", Priorite: "HAUTE", Frequence: "MENSUEL", Intervalle: 1,
			ProchaineDate: first, DateDebut: &anchor, Statut: "SUSPENDU", Technicien: &struct{ ID string }{plID(e.tech.ID)},
		}
		want.Equipement.ID = plID(e.eq2.ID)
		if diff := cmp.Diff(want, out); diff != "" {
			t.Errorf("createPlanning (-want +got):\n%s", diff)
		}
		techID := e.tech.ID
		wantRow := plRow{
			ID: id, Titre: "Contrôle brûleur", Priorite: domain.PrioriteHaute, Frequence: domain.FrequenceMensuel,
			Intervalle: 1, ProchaineDate: first, DateDebut: &anchor, Statut: domain.PlanningSuspendu,
			EquipementID: e.eq2.ID, TechnicienID: &techID,
		}
		if diff := cmp.Diff(wantRow, e.row(t, id)); diff != "" {
			t.Errorf("stored planning (-want +got):\n%s", diff)
		}
	})

	valid := func() map[string]any {
		return map[string]any{
			"titre": "Graissage", "frequence": "HEBDOMADAIRE",
			"prochaineDate": plRFC(plAt(2026, 3, 2, 8)), "equipementID": plID(e.eq.ID),
		}
	}
	with := func(k string, v any) map[string]any {
		in := valid()
		in[k] = v
		return in
	}
	refusals := []struct {
		name  string
		as    *ent.User // nil: anonymous
		input map[string]any
		code  string
	}{
		{"UnknownEquipement", e.resp, with("equipementID", plID(e.eq2.ID+1000)), "NOT_FOUND"},
		{"UnknownTechnicien", e.resp, with("technicienID", plID(e.tech.ID+1000)), "NOT_FOUND"},
		{"IntervalleZero", e.resp, with("intervalle", 0), "BAD_USER_INPUT"},
		{"IntervalleNegative", e.admin, with("intervalle", -1), "BAD_USER_INPUT"},
		{"EmptyTitre", e.resp, with("titre", ""), "BAD_USER_INPUT"},
		{"Technicien", e.techUser, valid(), "FORBIDDEN"},
		{"Client", e.clientUser, valid(), "FORBIDDEN"},
		{"Anonymous", nil, valid(), "UNAUTHENTICATED"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			api := e.GraphQL(t, "")
			if tt.as != nil {
				api = e.As(t, tt.as)
			}
			e.refused(t, api, plCreateDoc, map[string]any{"input": tt.input}, tt.code)
		})
	}
}

// ---------------------------------------------------------------------------------------
// updatePlanning

func TestPlUpdatePlanning(t *testing.T) {
	e := newPlEnv(t)

	t.Run("ProchaineDateReanchors", func(t *testing.T) {
		p := e.plan(t, "Graissage", domain.FrequenceHebdomadaire, plAt(2026, 3, 2, 8), domain.PlanningActif)
		moved := plAt(2026, 3, 4, 14) // a Wednesday afternoon
		var got struct{ UpdatePlanning plOut }
		e.As(t, e.resp).MustData(plUpdateDoc, map[string]any{"id": plID(p.ID), "input": map[string]any{"prochaineDate": plRFC(moved)}}, &got)
		if out := got.UpdatePlanning; !out.ProchaineDate.Equal(moved) || out.DateDebut == nil || !out.DateDebut.Equal(moved) {
			t.Errorf("updatePlanning returned prochaineDate %v, dateDebut %v; want both %v", out.ProchaineDate, out.DateDebut, moved)
		}
		want := plRowOf(p)
		want.ProchaineDate, want.DateDebut = moved, &moved
		if diff := cmp.Diff(want, e.row(t, p.ID)); diff != "" {
			t.Errorf("stored planning (-want +got):\n%s", diff)
		}
	})

	t.Run("TitreKeepsAnchor", func(t *testing.T) {
		// A plan on the 31st, its next occurrence in February: renaming it must not move the
		// anchor onto the 28th.
		anchor, next := plAt(2026, 1, 31, 8), plAt(2026, 2, 28, 8)
		p := e.Client.Planning.Create().SetTitre("Relevé").SetFrequence(domain.FrequenceMensuel).
			SetProchaineDate(next).SetDateDebut(anchor).SetEquipement(e.eq).SaveX(e.Sys)
		var got struct{ UpdatePlanning plOut }
		e.As(t, e.admin).MustData(plUpdateDoc, map[string]any{"id": plID(p.ID), "input": map[string]any{"titre": "Relevé compteur"}}, &got)
		if got.UpdatePlanning.Titre != "Relevé compteur" {
			t.Errorf("updatePlanning titre = %q, want %q", got.UpdatePlanning.Titre, "Relevé compteur")
		}
		want := plRowOf(p)
		want.Titre = "Relevé compteur"
		if diff := cmp.Diff(want, e.row(t, p.ID)); diff != "" {
			t.Errorf("stored planning (-want +got):\n%s", diff)
		}
	})

	t.Run("SuspendSkipsNextRun", func(t *testing.T) {
		e := newPlEnv(t) // its own database: the run sees only these two plannings
		first := plAt(2026, 3, 2, 8)
		kept := e.plan(t, "Graissage", domain.FrequenceHebdomadaire, first, domain.PlanningActif)
		suspended := e.plan(t, "Purge", domain.FrequenceHebdomadaire, first, domain.PlanningActif)
		var got struct{ UpdatePlanning plOut }
		e.As(t, e.resp).MustData(plUpdateDoc, map[string]any{"id": plID(suspended.ID), "input": map[string]any{"statut": "SUSPENDU"}}, &got)
		if got.UpdatePlanning.Statut != "SUSPENDU" {
			t.Errorf("updatePlanning statut = %q, want SUSPENDU", got.UpdatePlanning.Statut)
		}
		wantSuspended := plRowOf(suspended)
		wantSuspended.Statut = domain.PlanningSuspendu
		if diff := cmp.Diff(wantSuspended, e.row(t, suspended.ID)); diff != "" {
			t.Errorf("stored planning after suspending (-want +got):\n%s", diff)
		}

		e.Clock.Set(first.Add(2 * time.Hour))
		e.run(t, 1, 1)
		s := e.state(t)
		if len(s.Interventions) != 1 || s.Interventions[0].PlanningID == nil || *s.Interventions[0].PlanningID != kept.ID {
			t.Errorf("interventions after the run = %+v, want one of planning %d", s.Interventions, kept.ID)
		}
		if diff := cmp.Diff(wantSuspended, e.row(t, suspended.ID)); diff != "" {
			t.Errorf("the run changed the suspended planning (-want +got):\n%s", diff)
		}
	})

	p := e.plan(t, "Ramonage", domain.FrequenceAnnuel, plAt(2026, 10, 1, 8), domain.PlanningActif)
	refusals := []struct {
		name  string
		as    *ent.User
		id    int
		input map[string]any
		code  string
	}{
		{"UnknownID", e.resp, p.ID + 1000, map[string]any{"titre": "Fantôme"}, "NOT_FOUND"},
		{"UnknownEquipement", e.resp, p.ID, map[string]any{"equipementID": plID(e.eq2.ID + 1000)}, "NOT_FOUND"},
		{"UnknownTechnicien", e.admin, p.ID, map[string]any{"technicienID": plID(e.tech.ID + 1000)}, "NOT_FOUND"},
		{"IntervalleZero", e.resp, p.ID, map[string]any{"intervalle": 0}, "BAD_USER_INPUT"},
		{"Technicien", e.techUser, p.ID, map[string]any{"statut": "SUSPENDU"}, "FORBIDDEN"},
		{"Client", e.clientUser, p.ID, map[string]any{"statut": "SUSPENDU"}, "FORBIDDEN"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			e.refused(t, e.As(t, tt.as), plUpdateDoc, map[string]any{"id": plID(tt.id), "input": tt.input}, tt.code)
		})
	}
}

// ---------------------------------------------------------------------------------------
// deletePlanning

func TestPlDeletePlanning(t *testing.T) {
	e := newPlEnv(t)
	first := plAt(2026, 3, 2, 8)
	unused := e.plan(t, "Inutilisé", domain.FrequenceMensuel, plAt(2026, 6, 1, 8), domain.PlanningActif)
	used := e.plan(t, "Graissage", domain.FrequenceHebdomadaire, first, domain.PlanningActif)
	e.Clock.Set(first.Add(time.Hour))
	e.run(t, 1, 1)
	if n := e.Client.Intervention.Query().Where(entintervention.PlanningID(used.ID)).CountX(e.Sys); n != 1 {
		t.Fatalf("fixture: planning %d has %d interventions, want 1", used.ID, n)
	}

	t.Run("Unused", func(t *testing.T) {
		before := e.state(t)
		var got struct{ DeletePlanning string }
		e.As(t, e.resp).MustData(plDeleteDoc, map[string]any{"id": plID(unused.ID)}, &got)
		if got.DeletePlanning != plID(unused.ID) {
			t.Errorf("deletePlanning = %q, want %q", got.DeletePlanning, plID(unused.ID))
		}
		want := before
		want.Plannings = slices.DeleteFunc(slices.Clone(before.Plannings), func(r plRow) bool { return r.ID == unused.ID })
		if diff := cmp.Diff(want, e.state(t)); diff != "" {
			t.Errorf("database after deletePlanning (-want +got):\n%s", diff)
		}
		if e.Client.Planning.Query().Where(entplanning.ID(unused.ID)).ExistX(e.Sys) {
			t.Errorf("planning %d still there after delete", unused.ID)
		}
	})

	refusals := []struct {
		name string
		as   *ent.User
		id   int
		code string
	}{
		{"UsedByIntervention", e.resp, used.ID, "CONFLICT"},
		{"UsedByInterventionAdmin", e.admin, used.ID, "CONFLICT"},
		{"UnknownID", e.admin, used.ID + 1000, "NOT_FOUND"},
		{"Technicien", e.techUser, used.ID, "FORBIDDEN"},
		{"Client", e.clientUser, used.ID, "FORBIDDEN"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			e.refused(t, e.As(t, tt.as), plDeleteDoc, map[string]any{"id": plID(tt.id)}, tt.code)
		})
	}
	if !e.Client.Planning.Query().Where(entplanning.ID(used.ID)).ExistX(e.Sys) {
		t.Errorf("used planning %d was deleted", used.ID)
	}
}

// ---------------------------------------------------------------------------------------
// runPreventiveScheduler

func TestPlRunPreventiveScheduler(t *testing.T) {
	e := newPlEnv(t)
	first := plAt(2026, 3, 2, 8)
	due := e.plan(t, "Graissage", domain.FrequenceHebdomadaire, first, domain.PlanningActif)
	later := e.plan(t, "Vidange", domain.FrequenceMensuel, plAt(2026, 3, 10, 8), domain.PlanningActif)
	// A corrective intervention, which the PREVENTIVE filter must leave out.
	e.Client.Intervention.Create().SetTitre("Fuite").SetEquipement(e.eq).SetDemandeur(e.resp).SaveX(e.Sys)
	e.Clock.Set(first.Add(2 * time.Hour))

	// Refusals first, while the planning is due: they must create nothing.
	for _, tt := range []struct {
		name string
		as   *ent.User
	}{{"Responsable", e.resp}, {"Technicien", e.techUser}, {"Client", e.clientUser}} {
		t.Run(tt.name, func(t *testing.T) {
			e.refused(t, e.As(t, tt.as), plRunDoc, nil, "FORBIDDEN")
		})
	}

	laterBefore := plRowOf(later)
	e.run(t, 1, 1)

	const list = `{ interventions(where: {type: PREVENTIVE}) { totalCount edges { node { titre type dateEcheance planning { id } } } } }`
	type node struct {
		Titre        string
		Type         string
		DateEcheance *time.Time
		Planning     *struct{ ID string }
	}
	type answer struct {
		Interventions struct {
			TotalCount int
			Edges      []struct{ Node node }
		}
	}
	var got answer
	e.As(t, e.resp).MustData(list, nil, &got)
	wantNode := node{Titre: "Graissage", Type: "PREVENTIVE", DateEcheance: &first, Planning: &struct{ ID string }{plID(due.ID)}}
	if got.Interventions.TotalCount != 1 || len(got.Interventions.Edges) != 1 {
		t.Fatalf("preventive interventions: totalCount %d, %d edges; want 1", got.Interventions.TotalCount, len(got.Interventions.Edges))
	}
	if diff := cmp.Diff(wantNode, got.Interventions.Edges[0].Node); diff != "" {
		t.Errorf("created intervention (-want +got):\n%s", diff)
	}
	// The planning moved on to its next occurrence; the one not yet due did not change.
	wantDue := plRowOf(due)
	next := first.AddDate(0, 0, 7)
	wantDue.ProchaineDate, wantDue.DerniereDate = next, &first
	if diff := cmp.Diff(wantDue, e.row(t, due.ID)); diff != "" {
		t.Errorf("planning after the run (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(laterBefore, e.row(t, later.ID)); diff != "" {
		t.Errorf("the run changed a planning not due (-want +got):\n%s", diff)
	}

	t.Run("SecondRunCreatesNothing", func(t *testing.T) {
		before := e.state(t)
		e.run(t, 0, 0)
		want := before
		want.Runs++
		if diff := cmp.Diff(want, e.state(t)); diff != "" {
			t.Errorf("database after the second run (-want +got):\n%s", diff)
		}
	})
}

// ---------------------------------------------------------------------------------------
// schedulerRuns

func TestPlSchedulerRuns(t *testing.T) {
	e := newPlEnv(t)
	first := plAt(2026, 3, 2, 8)
	e.plan(t, "Graissage", domain.FrequenceHebdomadaire, first, domain.PlanningActif)
	t1 := first.Add(time.Hour)
	e.Clock.Set(t1)
	e.run(t, 1, 1)
	e.Clock.Advance(time.Hour)
	t2 := e.Clock.Now()
	e.run(t, 0, 0)
	if n := e.Client.SchedulerRun.Query().Where(entschedulerrun.DeclencheurEQ(entschedulerrun.DeclencheurMANUEL)).CountX(e.Sys); n != 2 {
		t.Fatalf("%d MANUEL runs stored, want 2", n)
	}

	const doc = `{ schedulerRuns(orderBy: {field: STARTED_AT, direction: DESC}) { totalCount edges { node { declencheur created due startedAt } } } }`
	type node struct {
		Declencheur string
		Created     int
		Due         int
		StartedAt   time.Time
	}
	type answer struct {
		SchedulerRuns struct {
			TotalCount int
			Edges      []struct{ Node node }
		}
	}
	t.Run("Responsable", func(t *testing.T) {
		var got answer
		e.As(t, e.resp).MustData(doc, nil, &got)
		if got.SchedulerRuns.TotalCount != 2 {
			t.Errorf("totalCount = %d, want 2", got.SchedulerRuns.TotalCount)
		}
		var nodes []node
		for _, ed := range got.SchedulerRuns.Edges {
			nodes = append(nodes, ed.Node)
		}
		want := []node{{"MANUEL", 0, 0, t2}, {"MANUEL", 1, 1, t1}}
		if diff := cmp.Diff(want, nodes); diff != "" {
			t.Errorf("schedulerRuns, newest first (-want +got):\n%s", diff)
		}
	})
	for _, tt := range []struct {
		name string
		as   *ent.User
	}{{"Technicien", e.techUser}, {"Client", e.clientUser}} {
		t.Run(tt.name, func(t *testing.T) {
			e.refused(t, e.As(t, tt.as), doc, nil, "FORBIDDEN")
		})
	}
}

// ---------------------------------------------------------------------------------------
// planningForecast

// plOcc is one forecast occurrence.
type plOcc struct {
	Date       time.Time
	PlanningID string
}

func plForecastOf(t *testing.T, api *gqltest.Client, from, to time.Time) []plOcc {
	t.Helper()
	var got struct {
		PlanningForecast []struct {
			Date     time.Time
			Planning struct{ ID string }
		}
	}
	api.MustData(plForecast, map[string]any{"from": plRFC(from), "to": plRFC(to)}, &got)
	out := []plOcc{}
	for _, o := range got.PlanningForecast {
		out = append(out, plOcc{o.Date, o.Planning.ID})
	}
	return out
}

func TestPlPlanningForecast(t *testing.T) {
	e := newPlEnv(t)
	create := func(input map[string]any) string {
		t.Helper()
		input["equipementID"] = plID(e.eq.ID)
		var got struct{ CreatePlanning struct{ ID string } }
		e.As(t, e.resp).MustData(`mutation($input: CreatePlanningInput!) { createPlanning(input: $input) { id } }`,
			map[string]any{"input": input}, &got)
		return got.CreatePlanning.ID
	}
	weekly := create(map[string]any{"titre": "Graissage", "frequence": "HEBDOMADAIRE", "prochaineDate": "2026-03-02T08:00:00Z"})
	monthly := create(map[string]any{"titre": "Relevé", "frequence": "MENSUEL", "prochaineDate": "2026-01-31T08:00:00Z"})
	create(map[string]any{"titre": "Purge", "frequence": "JOURNALIER", "prochaineDate": "2026-03-01T08:00:00Z", "statut": "SUSPENDU"})
	create(map[string]any{"titre": "Ancien", "frequence": "HEBDOMADAIRE", "prochaineDate": "2026-03-01T08:00:00Z", "statut": "TERMINE"})

	from, to := plAt(2026, 3, 1, 0), plAt(2026, 5, 1, 0)
	w := func(m time.Month, d int) plOcc { return plOcc{plAt(2026, m, d, 8), weekly} }
	mo := func(m time.Month, d int) plOcc { return plOcc{plAt(2026, m, d, 8), monthly} }
	want := []plOcc{
		w(3, 2), w(3, 9), w(3, 16), w(3, 23), w(3, 30), mo(3, 31),
		w(4, 6), w(4, 13), w(4, 20), w(4, 27), mo(4, 30),
	}

	t.Run("MarchApril", func(t *testing.T) {
		for _, as := range []*ent.User{e.resp, e.admin} {
			if diff := cmp.Diff(want, plForecastOf(t, e.As(t, as), from, to)); diff != "" {
				t.Errorf("planningForecast as %s (-want +got):\n%s", as.Role, diff)
			}
		}
	})

	t.Run("FromIncludedToExcluded", func(t *testing.T) {
		got := plForecastOf(t, e.As(t, e.resp), plAt(2026, 3, 2, 8), plAt(2026, 3, 9, 8))
		if diff := cmp.Diff([]plOcc{w(3, 2)}, got); diff != "" {
			t.Errorf("planningForecast [03-02 08:00, 03-09 08:00) (-want +got):\n%s", diff)
		}
	})

	t.Run("EmptyWindow", func(t *testing.T) {
		got := plForecastOf(t, e.As(t, e.resp), plAt(2026, 3, 3, 0), plAt(2026, 3, 9, 0))
		if diff := cmp.Diff([]plOcc{}, got); diff != "" {
			t.Errorf("planningForecast with no occurrence (-want +got):\n%s", diff)
		}
	})

	t.Run("Window366Days", func(t *testing.T) {
		to := from.AddDate(0, 0, 366) // 2027-03-02
		got := plForecastOf(t, e.As(t, e.resp), from, to)
		// Weekly: 2026-03-02 and 52 more Mondays up to 2027-03-01; monthly: 2026-03-31 to
		// 2027-02-28, one a month.
		const wantW, wantM = 53, 12
		if len(got) != wantW+wantM {
			t.Errorf("planningForecast over 366 days: %d occurrences, want %d (%d weekly + %d monthly)", len(got), wantW+wantM, wantW, wantM)
		}
		var gotW, gotM int
		for _, o := range got {
			switch o.PlanningID {
			case weekly:
				gotW++
			case monthly:
				gotM++
			}
		}
		if gotW != wantW || gotM != wantM {
			t.Errorf("planningForecast over 366 days: %d weekly, %d monthly; want %d, %d", gotW, gotM, wantW, wantM)
		}
		if !slices.IsSortedFunc(got, func(a, b plOcc) int { return a.Date.Compare(b.Date) }) {
			t.Errorf("planningForecast over 366 days is not in date order: %v", got)
		}
		if n := len(got); n > 0 && !got[n-1].Date.Equal(plAt(2027, 3, 1, 8)) {
			t.Errorf("last occurrence %v, want 2027-03-01 08:00 (weekly)", got[n-1].Date)
		}
	})

	refusals := []struct {
		name     string
		as       *ent.User
		from, to time.Time
		code     string
	}{
		{"ToEqualsFrom", e.resp, from, from, "BAD_USER_INPUT"},
		{"ToBeforeFrom", e.resp, to, from, "BAD_USER_INPUT"},
		{"Over366Days", e.resp, from, from.AddDate(0, 0, 366).Add(time.Second), "BAD_USER_INPUT"},
		{"Technicien", e.techUser, from, to, "FORBIDDEN"},
		{"Client", e.clientUser, from, to, "FORBIDDEN"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			e.refused(t, e.As(t, tt.as), plForecast, map[string]any{"from": plRFC(tt.from), "to": plRFC(tt.to)}, tt.code)
		})
	}

	// After the scheduler handled February's occurrence (clamped to the 28th), the monthly
	// planning's next occurrence is back on the 31st and the forecast is unchanged.
	t.Run("AfterFebruaryRun", func(t *testing.T) {
		e.Clock.Set(plAt(2026, 2, 28, 9))
		e.run(t, 1, 1)
		id, _ := strconv.Atoi(monthly)
		r := e.row(t, id)
		feb28, mar31 := plAt(2026, 2, 28, 8), plAt(2026, 3, 31, 8)
		if !r.ProchaineDate.Equal(mar31) || r.DerniereDate == nil || !r.DerniereDate.Equal(feb28) {
			t.Errorf("monthly planning after the run: prochaineDate %v, derniereDate %v; want %v, %v", r.ProchaineDate, r.DerniereDate, mar31, feb28)
		}
		if diff := cmp.Diff(want, plForecastOf(t, e.As(t, e.resp), from, to)); diff != "" {
			t.Errorf("planningForecast after the run (-want +got):\n%s", diff)
		}
	})
}
