package graph_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/demandeintervention"
	"github.com/mifmaroc/erp/ent/historiqueintervention"
	entintervention "github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/internal/domain"
)

const (
	clCreate = `mutation($in: ChecklistModeleInput!) { createChecklistModele(input: $in) { id nom actif points { libelle type obligatoire unite min max choix demandeSiHorsLimites } } }`
	clUpdate = `mutation($id: ID!, $in: ChecklistModeleInput!) { updateChecklistModele(id: $id, input: $in) { id } }`
	clAnswer = `mutation($id: ID!, $r: ReponsePointInput!) { repondrePointChecklist(id: $id, reponse: $r) {
  id coche valeur texte photo { id } horsLimites reponduLe reponduPar { id } demande { id titre } } }`
	clRead = `query($id: ID!) { node(id: $id) { ... on Intervention { statut checklistModele { id }
  checklist { id position libelle type obligatoire unite min max choix coche valeur texte horsLimites reponduLe demande { id } } } } }`
	clClose = `mutation($id: ID!) { changeInterventionStatut(id: $id, statut: CLOTUREE) { statut } }`
)

// clPoints is a template: a box, a pressure with bounds that opens a request, a free note, a
// choice and a photo.
func clPoints() []map[string]any {
	return []map[string]any{
		{"libelle": "Vérifier la courroie", "type": "CASE"},
		{"libelle": "Pression d'huile", "type": "MESURE", "unite": "bar", "min": 2, "max": 4, "demandeSiHorsLimites": true},
		{"libelle": "Observations", "type": "TEXTE", "obligatoire": false},
		{"libelle": "État du filtre", "type": "CHOIX", "choix": []string{"Bon", "Usé", "À remplacer"}},
		{"libelle": "Photo de la plaque", "type": "PHOTO", "obligatoire": false},
	}
}

type clPoint struct {
	ID          string
	Position    int
	Libelle     string
	Type        string
	Obligatoire bool
	Unite       *string
	Min, Max    *float64
	Choix       []string
	Coche       *bool
	Valeur      *float64
	Texte       *string
	HorsLimites bool
	ReponduLe   *time.Time
	Demande     *struct{ ID string }
}

type clIntervention struct {
	Node struct {
		Statut          string
		ChecklistModele *struct{ ID string }
		Checklist       []clPoint
	}
}

// A preventive intervention from a planning copies the planning's checklist; the technician
// answers it while EN_COURS; closing waits for the report, the required points and the
// running time entry, and says what is missing; an out-of-bounds pressure opens one work
// request; every answer is a line of the history. Run with the frozen clock and the real one.
func TestChecklistFromPlanningBlocksClosure(t *testing.T) {
	for _, real := range []bool{false, true} {
		t.Run(map[bool]string{false: "FrozenClock", true: "RealClock"}[real], func(t *testing.T) {
			e := newPlEnv(t)
			if real {
				e.Clock.Run()
			}
			admin, tech := e.As(t, e.admin), e.As(t, e.techUser)
			var created struct{ CreateChecklistModele struct{ ID string } }
			admin.MustData(clCreate, map[string]any{"in": map[string]any{"nom": "Révision compresseur", "points": clPoints()}}, &created)
			modele := created.CreateChecklistModele.ID

			p := e.plan(t, "Révision", domain.FrequenceMensuel, e.Clock.Now().Add(-time.Hour), domain.PlanningActif)
			e.Client.Planning.UpdateOne(p).SetTechnicien(e.tech).ExecX(e.Sys)
			admin.MustData(`mutation($id: ID!, $m: ID!) { updatePlanning(id: $id, input: {checklistModeleID: $m}) { id } }`,
				map[string]any{"id": p.ID, "m": modele}, &struct{}{})
			var run struct{ RunPreventiveScheduler plRunOut }
			admin.MustData(plRunDoc, nil, &run)
			if run.RunPreventiveScheduler.Created != 1 {
				t.Fatalf("scheduler run: %+v, want 1 intervention created", run.RunPreventiveScheduler)
			}
			iv := e.Client.Intervention.Query().Where(entintervention.PlanningID(p.ID)).OnlyX(e.Sys)
			ivID := strconv.Itoa(iv.ID)

			// Editing the template later does not change the copy open work holds.
			edited := clPoints()[:1]
			edited[0]["libelle"] = "Autre chose"
			admin.MustData(clUpdate, map[string]any{"id": modele, "in": map[string]any{"nom": "Révision compresseur", "points": edited}}, &struct{}{})
			var got clIntervention
			tech.MustData(clRead, map[string]any{"id": ivID}, &got)
			if got.Node.ChecklistModele == nil || got.Node.ChecklistModele.ID != modele || len(got.Node.Checklist) != 5 {
				t.Fatalf("the preventive work's checklist: template %v, %d points; want %s and 5", got.Node.ChecklistModele, len(got.Node.Checklist), modele)
			}
			pts := got.Node.Checklist
			for i, want := range []string{"Vérifier la courroie", "Pression d'huile", "Observations", "État du filtre", "Photo de la plaque"} {
				if pts[i].Position != i+1 || pts[i].Libelle != want || pts[i].ReponduLe != nil {
					t.Fatalf("point %d: %+v, want %q unanswered", i+1, pts[i], want)
				}
			}
			if pts[1].Unite == nil || *pts[1].Unite != "bar" || *pts[1].Min != 2 || *pts[1].Max != 4 || pts[2].Obligatoire || !pts[3].Obligatoire ||
				!slices.Equal(pts[3].Choix, []string{"Bon", "Usé", "À remplacer"}) {
				t.Fatalf("copied points lost their settings: %+v", pts)
			}

			// Answers wait for the work to start.
			if err := tech.MustFail(clAnswer, map[string]any{"id": pts[0].ID, "r": map[string]any{"coche": true}}); err.Code() != string(domain.CodeConflict) {
				t.Fatalf("answering AFFECTEE work: %s (%s)", err.Code(), err.Message)
			}
			tech.MustData(changeStatut, map[string]any{"id": ivID, "s": "EN_COURS"}, &struct{}{})

			// Closing now lists everything missing.
			err := tech.MustFail(clClose, map[string]any{"id": ivID})
			missing, _ := err.Extensions["missing"].([]any)
			if err.Code() != string(domain.CodeIncompleteWork) || len(missing) != 4 {
				t.Fatalf("closing with nothing done: %s %v, want INCOMPLETE_WORK listing the report and 3 points", err.Code(), missing)
			}
			for _, want := range []string{"rapport", "Vérifier la courroie", "Pression d'huile", "État du filtre"} {
				if !strings.Contains(err.Message, want) {
					t.Errorf("the refusal %q does not name %q", err.Message, want)
				}
			}

			// Answers of the wrong kind, a choice not offered, another intervention's photo.
			other := e.Client.Intervention.Create().SetTitre("Autre").SetEquipement(e.eq).SetDemandeur(e.resp).SaveX(e.Sys)
			doc := e.Client.Document.Create().SetFilename("plaque.jpg").SetPath("x/plaque.jpg").SetMimeType("image/jpeg").
				SetSize(10).SetSha256("00").SetInterventionID(other.ID).SaveX(e.Sys)
			for name, bad := range map[string]struct {
				point int
				r     map[string]any
			}{
				"TextOnABox":       {0, map[string]any{"texte": "oui"}},
				"TwoValues":        {1, map[string]any{"valeur": 3, "texte": "3"}},
				"NoValue":          {1, map[string]any{}},
				"ChoiceNotOffered": {3, map[string]any{"texte": "Neuf"}},
				"OthersPhoto":      {4, map[string]any{"documentId": doc.ID}},
				"EmptyText":        {2, map[string]any{"texte": "  "}},
			} {
				if err := tech.MustFail(clAnswer, map[string]any{"id": pts[bad.point].ID, "r": bad.r}); err.Code() != string(domain.CodeBadUserInput) {
					t.Errorf("%s: %s (%s), want BAD_USER_INPUT", name, err.Code(), err.Message)
				}
			}
			// Only the assigned technician and staff answer.
			if err := e.As(t, e.clientUser).MustFail(clAnswer, map[string]any{"id": pts[0].ID, "r": map[string]any{"coche": true}}); err.Code() != string(domain.CodeForbidden) {
				t.Errorf("a client answering: %s", err.Code())
			}

			// A pressure out of bounds is flagged and opens one request, whatever the repeats.
			type answered struct {
				RepondrePointChecklist struct {
					HorsLimites bool
					Valeur      *float64
					Demande     *struct{ ID, Titre string }
				}
			}
			var a answered
			tech.MustData(clAnswer, map[string]any{"id": pts[1].ID, "r": map[string]any{"valeur": 5.5}}, &a)
			if !a.RepondrePointChecklist.HorsLimites || a.RepondrePointChecklist.Demande == nil ||
				a.RepondrePointChecklist.Demande.Titre != "Mesure hors limites : Pression d'huile" {
				t.Fatalf("5.5 bar outside 2–4: %+v", a.RepondrePointChecklist)
			}
			tech.MustData(clAnswer, map[string]any{"id": pts[1].ID, "r": map[string]any{"valeur": 6}}, &a)
			reqs := e.Client.DemandeIntervention.Query().Where(demandeintervention.EquipementID(e.eq.ID)).AllX(e.Sys)
			if len(reqs) != 1 || reqs[0].DemandeurID != e.techUser.ID || reqs[0].UrgenceSuggeree != domain.PrioriteHaute ||
				!strings.Contains(reqs[0].Description, "6 bar") && !strings.Contains(reqs[0].Description, "5.5 bar") {
				t.Fatalf("work requests after two readings out of bounds: %+v, want one, by the technician", reqs)
			}
			tech.MustData(clAnswer, map[string]any{"id": pts[1].ID, "r": map[string]any{"valeur": 3}}, &a)
			if a.RepondrePointChecklist.HorsLimites {
				t.Errorf("3 bar within 2–4 is flagged")
			}
			tech.MustData(clAnswer, map[string]any{"id": pts[0].ID, "r": map[string]any{"coche": true}}, &struct{}{})
			tech.MustData(clAnswer, map[string]any{"id": pts[3].ID, "r": map[string]any{"texte": "Usé"}}, &struct{}{})
			mine := e.Client.Document.Create().SetFilename("p.jpg").SetPath("x/p.jpg").SetMimeType("image/jpeg").
				SetSize(10).SetSha256("00").SetInterventionID(iv.ID).SaveX(e.Sys)
			tech.MustData(clAnswer, map[string]any{"id": pts[4].ID, "r": map[string]any{"documentId": mine.ID}}, &struct{}{})

			// A running time entry and the empty report still hold the closure.
			var started struct{ DemarrerTemps struct{ ID string } }
			tech.MustData(timeStart, map[string]any{"iv": ivID}, &started)
			err = tech.MustFail(clClose, map[string]any{"id": ivID})
			if missing, _ := err.Extensions["missing"].([]any); err.Code() != string(domain.CodeIncompleteWork) || len(missing) != 2 ||
				!strings.Contains(err.Message, "running") {
				t.Fatalf("closing with the time running and no report: %s %v", err.Code(), missing)
			}
			// Clearing a required answer makes it missing again.
			tech.MustData(clAnswer, map[string]any{"id": pts[3].ID, "r": map[string]any{"effacer": true}}, &struct{}{})
			if err := tech.MustFail(clClose, map[string]any{"id": ivID}); !strings.Contains(err.Message, "État du filtre") {
				t.Fatalf("closing after clearing a required answer: %s", err.Message)
			}
			tech.MustData(clAnswer, map[string]any{"id": pts[3].ID, "r": map[string]any{"texte": "Bon"}}, &struct{}{})
			tech.MustData(timeStop, map[string]any{"id": started.DemarrerTemps.ID}, &struct{}{})
			tech.MustData(`mutation($id: ID!) { updateIntervention(id: $id, input: {rapport: "Courroie et filtre vérifiés."}) { id } }`,
				map[string]any{"id": ivID}, &struct{}{})
			var closed struct{ ChangeInterventionStatut struct{ Statut string } }
			tech.MustData(clClose, map[string]any{"id": ivID}, &closed)
			if closed.ChangeInterventionStatut.Statut != "CLOTUREE" {
				t.Fatalf("closing with everything done: %s", closed.ChangeInterventionStatut.Statut)
			}

			// Every answer is a history line; closed work takes no answer.
			lines := e.Client.HistoriqueIntervention.Query().Where(historiqueintervention.InterventionID(iv.ID),
				historiqueintervention.Champ("checklist")).Order(ent.Asc(historiqueintervention.FieldID)).AllX(e.Sys)
			if len(lines) != 8 || lines[0].NouvelleValeur == nil || *lines[0].NouvelleValeur != "n°2 Pression d'huile : 5.5 bar" ||
				lines[1].AncienneValeur == nil || *lines[1].AncienneValeur != "n°2 Pression d'huile : 5.5 bar" {
				t.Fatalf("%d checklist lines in the history, want 8; first %+v", len(lines), lines)
			}
			if err := tech.MustFail(clAnswer, map[string]any{"id": pts[0].ID, "r": map[string]any{"coche": false}}); err.Code() != string(domain.CodeLocked) {
				t.Errorf("answering closed work: %s", err.Code())
			}
		})
	}
}

// Which template new work copies: the one chosen, else the equipement's; an archived one is
// refused when chosen and skipped when inherited; a client cannot choose; a template named
// anywhere cannot be deleted.
func TestChecklistChoice(t *testing.T) {
	e := newIvEnv(t)
	admin, resp := e.As(t, e.admin), e.As(t, e.resp)
	template := func(nom string) string {
		var c struct{ CreateChecklistModele struct{ ID string } }
		admin.MustData(clCreate, map[string]any{"in": map[string]any{"nom": nom, "points": clPoints()[:2]}}, &c)
		return c.CreateChecklistModele.ID
	}
	onEq, chosen := template("Équipement"), template("Choisie")
	admin.MustData(`mutation($id: ID!, $m: ID!) { updateEquipement(id: $id, input: {checklistModeleID: $m}) { id } }`,
		map[string]any{"id": e.eq.ID, "m": onEq}, &struct{}{})
	e.Client.Societe.UpdateOne(e.societe).AddEquipements(e.eq).ExecX(e.Sys)
	// create opens an intervention as api and returns the template it copied (read as the
	// server: a client does not read templates) after checking it has its points.
	create := func(api interface {
		MustData(string, map[string]any, any)
	}, in map[string]any) *string {
		var c struct {
			CreateIntervention struct {
				ID        string
				Checklist []struct{ Libelle string }
			}
		}
		api.MustData(`mutation($in: CreateInterventionInput!) { createIntervention(input: $in) { id checklist { libelle } } }`,
			map[string]any{"in": in}, &c)
		id, _ := strconv.Atoi(c.CreateIntervention.ID)
		m := e.Client.Intervention.GetX(e.Sys, id).ChecklistModeleID
		want := 0
		if m != nil {
			want = 2
		}
		if len(c.CreateIntervention.Checklist) != want {
			t.Fatalf("template %v, %d points read, want %d", m, len(c.CreateIntervention.Checklist), want)
		}
		if m == nil {
			return nil
		}
		s := strconv.Itoa(*m)
		return &s
	}
	for _, tc := range []struct {
		name string
		in   map[string]any
		want *string
	}{
		{"Equipement", map[string]any{"titre": "A", "equipementID": e.eq.ID}, &onEq},
		{"Chosen", map[string]any{"titre": "B", "equipementID": e.eq.ID, "checklistModeleID": chosen}, &chosen},
		{"None", map[string]any{"titre": "C"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := create(resp, tc.in); (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
				t.Errorf("template %v, want %v", got, tc.want)
			}
		})
	}
	// A client's request on his equipment takes its template, whatever he names.
	if got := create(e.As(t, e.clientUser), map[string]any{"titre": "D", "equipementID": e.eq.ID, "checklistModeleID": chosen}); got == nil || *got != onEq {
		t.Errorf("a client's choice: template %v, want the equipement's %s", got, onEq)
	}

	archive := `mutation($id: ID!) { archiveChecklistModele(id: $id) { actif } }`
	admin.MustData(archive, map[string]any{"id": chosen}, &struct{}{})
	admin.MustData(archive, map[string]any{"id": onEq}, &struct{}{})
	if err := resp.MustFail(`mutation($in: CreateInterventionInput!) { createIntervention(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"titre": "E", "checklistModeleID": chosen}}); err.Code() != string(domain.CodeBadUserInput) {
		t.Errorf("choosing an archived template: %s", err.Code())
	}
	if got := create(resp, map[string]any{"titre": "F", "equipementID": e.eq.ID}); got != nil {
		t.Errorf("an archived equipement template was copied: %v", *got)
	}

	del := `mutation($id: ID!) { deleteChecklistModele(id: $id) }`
	if err := admin.MustFail(del, map[string]any{"id": onEq}); err.Code() != string(domain.CodeConflict) || !strings.Contains(err.Message, "equipements") {
		t.Errorf("deleting a template in use: %s %s", err.Code(), err.Message)
	}
	unused := template("Inutilisée")
	admin.MustData(del, map[string]any{"id": unused}, &struct{}{})
	if n := e.Client.ChecklistModele.Query().CountX(e.Sys); n != 2 {
		t.Errorf("%d templates after deleting the unused one, want 2", n)
	}
	if err := e.As(t, e.techUser).MustFail(clCreate, map[string]any{"in": map[string]any{"nom": "X", "points": clPoints()}}); err.Code() != string(domain.CodeForbidden) {
		t.Errorf("a technician writing a template: %s", err.Code())
	}
}
