package graph_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/historiqueintervention"
	"github.com/mifmaroc/erp/internal/domain"
)

const assignForced = `mutation($id: ID!, $t: ID!, $r: String, $f: Boolean) {
  assignIntervention(id: $id, technicienId: $t, remarque: $r, forcer: $f) { statut technicien { id } } }`

// TestDispatchRules: a technician who is absent is assigned only when forced with a reason;
// one whose account is no longer an active TECHNICIEN never. A refusal changes nothing.
func TestDispatchRules(t *testing.T) {
	e := newIvEnv(t)
	api := e.As(t, e.resp)
	ids := func(iv *ent.Intervention, tech *ent.Technicien) (string, string) {
		return strconv.Itoa(iv.ID), strconv.Itoa(tech.ID)
	}
	tests := []struct {
		name   string
		dispo  domain.Disponibilite
		setup  func(t *testing.T, tech *ent.Technicien) // nil: none
		reason any
		forced bool
		code   string // "": assigned
	}{
		{"Disponible", domain.DisponibiliteDisponible, nil, nil, false, ""},
		{"OccupeIsALoadNotAnAbsence", domain.DisponibiliteOccupe, nil, nil, false, ""},
		{"Conge", domain.DisponibiliteConge, nil, nil, false, "TECHNICIAN_UNAVAILABLE"},
		{"Formation", domain.DisponibiliteFormation, nil, nil, false, "TECHNICIAN_UNAVAILABLE"},
		{"Indisponible", domain.DisponibiliteIndisponible, nil, "urgence", false, "TECHNICIAN_UNAVAILABLE"},
		{"ForcedWithoutReason", domain.DisponibiliteConge, nil, "  ", true, "BAD_USER_INPUT"},
		{"ForcedWithReason", domain.DisponibiliteConge, nil, "fuite de gaz, seul habilité", true, ""},
		{"AccountDeactivated", domain.DisponibiliteDisponible, func(t *testing.T, tech *ent.Technicien) {
			e.As(t, e.admin).MustData(`mutation($id: ID!) { deactivateUser(id: $id) { id } }`,
				map[string]any{"id": strconv.Itoa(tech.UserID)}, &struct{}{})
		}, "urgence", true, "TECHNICIAN_INACTIVE"},
		{"RoleChangedAway", domain.DisponibiliteDisponible, func(t *testing.T, tech *ent.Technicien) {
			e.As(t, e.admin).MustData(`mutation($id: ID!) { updateUser(id: $id, input: {role: RESPONSABLE}) { id } }`,
				map[string]any{"id": strconv.Itoa(tech.UserID)}, &struct{}{})
		}, nil, false, "TECHNICIAN_INACTIVE"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := e.User(t, "Tech-"+strconv.Itoa(i), domain.RoleTechnicien)
			tech := e.Client.Technicien.Create().SetUser(u).SetDisponibilite(tt.dispo).SaveX(e.Sys)
			if tt.setup != nil {
				tt.setup(t, tech)
			}
			iv := e.Client.Intervention.Create().SetTitre("À affecter").SetDemandeur(e.resp).SaveX(e.Sys)
			id, techID := ids(iv, tech)
			vars := map[string]any{"id": id, "t": techID, "r": tt.reason, "f": tt.forced}
			if tt.code != "" {
				if err := api.MustFail(assignForced, vars); err.Code() != tt.code {
					t.Errorf("code = %q (%s), want %s", err.Code(), err.Message, tt.code)
				}
				after := e.Client.Intervention.GetX(e.Sys, iv.ID)
				if after.Statut != domain.StatutOuverte || after.TechnicienID != nil || e.historyCount(iv.ID) != 0 {
					t.Errorf("refused assignment changed the intervention: %s, technicien %v, %d history lines",
						after.Statut, after.TechnicienID, e.historyCount(iv.ID))
				}
				return
			}
			var got struct {
				AssignIntervention struct {
					Statut     string
					Technicien struct{ ID string }
				}
			}
			api.MustData(assignForced, vars, &got)
			if got.AssignIntervention.Statut != "AFFECTEE" || got.AssignIntervention.Technicien.ID != techID {
				t.Errorf("assigned = %+v", got.AssignIntervention)
			}
			if tt.forced {
				line := e.Client.HistoriqueIntervention.Query().
					Where(historiqueintervention.InterventionID(iv.ID), historiqueintervention.ChampIsNil()).OnlyX(e.Sys)
				if reason := tt.reason.(string); line.Remarque == reason || !strings.Contains(line.Remarque, reason) {
					t.Errorf("forced assignment's history remark = %q, want the reason %q and that it was forced", line.Remarque, tt.reason)
				}
			}
		})
	}
	t.Run("ReactivatedTechnicianTakesWorkAgain", func(t *testing.T) {
		u := e.User(t, "Tech-back", domain.RoleTechnicien)
		tech := e.Client.Technicien.Create().SetUser(u).SaveX(e.Sys)
		admin := e.As(t, e.admin)
		uid := map[string]any{"id": strconv.Itoa(u.ID)}
		admin.MustData(`mutation($id: ID!) { updateUser(id: $id, input: {role: CLIENT}) { id } }`, uid, &struct{}{})
		admin.MustData(`mutation($id: ID!) { updateUser(id: $id, input: {role: TECHNICIEN}) { id } }`, uid, &struct{}{})
		var got struct{ Technicien struct{ Actif bool } }
		admin.MustData(`query($id: ID!) { technicien: node(id: $id) { ... on Technicien { actif } } }`,
			map[string]any{"id": strconv.Itoa(tech.ID)}, &got)
		if !got.Technicien.Actif {
			t.Errorf("technician profile inactive after the role came back to TECHNICIEN")
		}
	})
}

// TestRetiredEquipment: retiring an equipement suspends its plannings, and it takes no new
// intervention or planning.
func TestRetiredEquipment(t *testing.T) {
	e := newIvEnv(t)
	api := e.As(t, e.resp)
	eqID := strconv.Itoa(e.eq.ID)
	next := e.Clock.Now().Add(24 * time.Hour).Format(time.RFC3339)
	var p struct{ CreatePlanning struct{ ID string } }
	api.MustData(`mutation($eq: ID!, $d: Time!) { createPlanning(input: {titre: "Graissage", frequence: MENSUEL,
  prochaineDate: $d, equipementID: $eq}) { id } }`, map[string]any{"eq": eqID, "d": next}, &p)
	open := e.Client.Intervention.Create().SetTitre("Ailleurs").SetDemandeur(e.resp).SaveX(e.Sys)

	var got struct {
		UpdateEquipement struct {
			Statut    string
			Plannings []struct{ Statut string }
		}
	}
	api.MustData(`mutation($id: ID!) { updateEquipement(id: $id, input: {statut: RETIRE}) { statut plannings { statut } } }`,
		map[string]any{"id": eqID}, &got)
	if got.UpdateEquipement.Statut != "RETIRE" || len(got.UpdateEquipement.Plannings) != 1 ||
		got.UpdateEquipement.Plannings[0].Statut != "SUSPENDU" {
		t.Errorf("after retiring: %+v, want its planning SUSPENDU", got.UpdateEquipement)
	}
	refused := []struct {
		name, query string
		vars        map[string]any
	}{
		{"CreateIntervention", `mutation($eq: ID!) { createIntervention(input: {titre: "Panne", equipementID: $eq}) { id } }`,
			map[string]any{"eq": eqID}},
		{"MoveInterventionToIt", `mutation($id: ID!, $eq: ID!) { updateIntervention(id: $id, input: {equipementID: $eq}) { id } }`,
			map[string]any{"id": strconv.Itoa(open.ID), "eq": eqID}},
		{"CreatePlanning", `mutation($eq: ID!, $d: Time!) { createPlanning(input: {titre: "Vidange", frequence: ANNUEL,
  prochaineDate: $d, equipementID: $eq}) { id } }`, map[string]any{"eq": eqID, "d": next}},
		{"ReactivatePlanning", `mutation($id: ID!) { updatePlanning(id: $id, input: {statut: ACTIF, equipementID: ` + eqID + `}) { id } }`,
			map[string]any{"id": p.CreatePlanning.ID}},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			before := e.Client.Intervention.Query().CountX(e.Sys)
			if err := api.MustFail(tt.query, tt.vars); err.Code() != "EQUIPMENT_RETIRED" {
				t.Errorf("code = %q (%s), want EQUIPMENT_RETIRED", err.Code(), err.Message)
			}
			if after := e.Client.Intervention.Query().CountX(e.Sys); after != before {
				t.Errorf("%d interventions after the refusal, %d before", after, before)
			}
		})
	}
}

const ivHistory = `query($id: ID!) { node(id: $id) { ... on Intervention { priorite dateLimite dateLimiteManuelle
  historique { champ ancienneValeur nouvelleValeur nouveauStatut user { id } technicien { id } } } } }`

type historyLine struct {
	Champ, AncienneValeur, NouvelleValeur *string
	NouveauStatut                         string
	User                                  struct{ ID string }
	Technicien                            *struct{ ID string }
}

type ivWithHistory struct {
	Node struct {
		Priorite           string
		DateLimite         *time.Time
		DateLimiteManuelle bool
		Historique         []historyLine
	}
}

// audit returns the audit lines of champ.
func audit(lines []historyLine, champ string) []historyLine {
	var out []historyLine
	for _, l := range lines {
		if l.Champ != nil && *l.Champ == champ {
			out = append(out, l)
		}
	}
	return out
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

// TestDeadlineAndFieldHistory: a deadline set by hand survives a change of priority, one
// derived from the SLA follows it; every change of a field writes one audit line, with the
// values before and after and who made it, and an unchanged value writes none.
func TestDeadlineAndFieldHistory(t *testing.T) {
	e := newIvEnv(t)
	api := e.As(t, e.resp)
	manual := e.Clock.Now().Add(5 * 24 * time.Hour).UTC().Truncate(time.Second)
	create := func(t *testing.T, input map[string]any) string {
		var c struct{ CreateIntervention struct{ ID string } }
		api.MustData(`mutation($in: CreateInterventionInput!) { createIntervention(input: $in) { id } }`,
			map[string]any{"in": input}, &c)
		return c.CreateIntervention.ID
	}
	update := func(t *testing.T, id string, input map[string]any) ivWithHistory {
		api.MustData(`mutation($id: ID!, $in: UpdateInterventionInput!) { updateIntervention(id: $id, input: $in) { id } }`,
			map[string]any{"id": id, "in": input}, &struct{}{})
		var got ivWithHistory
		api.MustData(ivHistory, map[string]any{"id": id}, &got)
		return got
	}

	t.Run("ManualDeadlineKept", func(t *testing.T) {
		id := create(t, map[string]any{"titre": "Fuite", "priorite": "NORMALE", "dateLimite": manual.Format(time.RFC3339)})
		got := update(t, id, map[string]any{"priorite": "URGENTE"})
		if got.Node.DateLimite == nil || !got.Node.DateLimite.Equal(manual) || !got.Node.DateLimiteManuelle {
			t.Errorf("dateLimite = %v (manuelle %v), want the one set by hand %v", got.Node.DateLimite, got.Node.DateLimiteManuelle, manual)
		}
		if a := audit(got.Node.Historique, "priorite"); len(a) != 1 || str(a[0].AncienneValeur) != "NORMALE" || str(a[0].NouvelleValeur) != "URGENTE" ||
			a[0].User.ID != strconv.Itoa(e.resp.ID) {
			t.Errorf("priorite audit lines = %+v", a)
		}
		if a := audit(got.Node.Historique, "dateLimite"); len(a) != 0 {
			t.Errorf("dateLimite did not change but has audit lines %+v", a)
		}
	})
	t.Run("DerivedDeadlineFollows", func(t *testing.T) {
		id := create(t, map[string]any{"titre": "Bruit", "priorite": "BASSE"})
		got := update(t, id, map[string]any{"priorite": "URGENTE"})
		want := e.Clock.Now().Add(2 * time.Hour) // URGENTE's SLA from creation: the clock stands still
		if got.Node.DateLimite == nil || got.Node.DateLimite.Sub(want).Abs() > time.Second || got.Node.DateLimiteManuelle {
			t.Errorf("dateLimite = %v (manuelle %v), want URGENTE's SLA %v", got.Node.DateLimite, got.Node.DateLimiteManuelle, want)
		}
		a := audit(got.Node.Historique, "dateLimite")
		if len(a) != 1 || a[0].AncienneValeur == nil || a[0].NouvelleValeur == nil {
			t.Fatalf("dateLimite audit lines = %+v", a)
		}
		if at, err := time.Parse(time.RFC3339, *a[0].NouvelleValeur); err != nil || !at.Equal(*got.Node.DateLimite) {
			t.Errorf("audited new dateLimite %q, the field says %v", *a[0].NouvelleValeur, got.Node.DateLimite)
		}
		// Setting it by hand now makes it manual: the next priority change keeps it.
		got = update(t, id, map[string]any{"dateLimite": manual.Format(time.RFC3339)})
		got = update(t, id, map[string]any{"priorite": "BASSE"})
		if got.Node.DateLimite == nil || !got.Node.DateLimite.Equal(manual) {
			t.Errorf("dateLimite = %v after a priority change, want the manual %v", got.Node.DateLimite, manual)
		}
	})
	t.Run("EveryTrackedField", func(t *testing.T) {
		id := create(t, map[string]any{"titre": "Moteur", "description": "chauffe"})
		got := update(t, id, map[string]any{"titre": "Moteur M2", "description": "chauffe", "clearDescription": false,
			"rapport": "roulement changé", "equipementID": strconv.Itoa(e.eq.ID), "urgence": true})
		want := map[string][2]string{
			"titre": {"Moteur", "Moteur M2"}, "rapport": {"<nil>", "roulement changé"},
			"equipement": {"<nil>", strconv.Itoa(e.eq.ID)}, "urgence": {"false", "true"},
		}
		for champ, w := range want {
			a := audit(got.Node.Historique, champ)
			if len(a) != 1 || str(a[0].AncienneValeur) != w[0] || str(a[0].NouvelleValeur) != w[1] {
				t.Errorf("%s audit lines = %+v, want one %q → %q", champ, a, w[0], w[1])
			}
		}
		if a := audit(got.Node.Historique, "description"); len(a) != 0 {
			t.Errorf("description set to its own value wrote %+v", a)
		}
		n := 0
		for _, l := range got.Node.Historique {
			if l.Champ != nil {
				n++
			}
		}
		if n != len(want) {
			t.Errorf("%d audit lines, want %d", n, len(want))
		}
	})
	t.Run("AssigneeAndParts", func(t *testing.T) {
		iv := e.Client.Intervention.Create().SetTitre("Pompe").SetDemandeur(e.resp).SaveX(e.Sys)
		id := strconv.Itoa(iv.ID)
		p := e.Client.Piece.Create().SetReference("JT-12").SetDesignation("Joint").SetQuantite(10).SaveX(e.Sys)
		api.MustData(assignForced, map[string]any{"id": id, "t": strconv.Itoa(e.tech.ID)}, &struct{}{})
		add := `mutation($id: ID!, $p: ID!) { addPieceToIntervention(interventionId: $id, pieceId: $p, quantite: 2) { id } }`
		api.MustData(add, map[string]any{"id": id, "p": strconv.Itoa(p.ID)}, &struct{}{})
		api.MustData(add, map[string]any{"id": id, "p": strconv.Itoa(p.ID)}, &struct{}{})
		var got ivWithHistory
		api.MustData(ivHistory, map[string]any{"id": id}, &got)
		if a := audit(got.Node.Historique, "technicien"); len(a) != 1 || a[0].AncienneValeur != nil || str(a[0].NouvelleValeur) != strconv.Itoa(e.tech.ID) {
			t.Errorf("technicien audit lines = %+v", a)
		}
		a := audit(got.Node.Historique, "pieces")
		if len(a) != 2 || a[0].AncienneValeur != nil || str(a[0].NouvelleValeur) != "JT-12 × 2" ||
			str(a[1].AncienneValeur) != "JT-12 × 2" || str(a[1].NouvelleValeur) != "JT-12 × 4" {
			t.Errorf("pieces audit lines = %+v", a)
		}
		for _, l := range got.Node.Historique {
			if l.NouveauStatut == "AFFECTEE" && (l.Technicien == nil || l.Technicien.ID != strconv.Itoa(e.tech.ID)) {
				t.Errorf("line after the assignment names technicien %+v, want %d", l.Technicien, e.tech.ID)
			}
		}
	})
}

// TestHandOver: work that changes hands under way is priced at each technician's rate for the
// time he worked, and the first technician keeps reading it and his assignment notice.
func TestHandOver(t *testing.T) {
	e := newIvEnv(t)
	e.Client.Technicien.UpdateOne(e.otherTech).SetTauxHoraireCentimes(6000).ExecX(e.Sys)
	resp := e.As(t, e.resp)
	iv := e.Client.Intervention.Create().SetTitre("Chaudière").SetDemandeur(e.resp).SetRapport("Brûleur changé.").SaveX(e.Sys)
	id := strconv.Itoa(iv.ID)
	resp.MustData(assignForced, map[string]any{"id": id, "t": strconv.Itoa(e.tech.ID)}, &struct{}{})
	e.As(t, e.techUser).MustData(changeStatut, map[string]any{"id": id, "s": "EN_COURS"}, &struct{}{})
	e.Clock.Advance(time.Hour)
	resp = e.As(t, e.resp)
	resp.MustData(assignForced, map[string]any{"id": id, "t": strconv.Itoa(e.otherTech.ID)}, &struct{}{})
	e.Clock.Advance(30 * time.Minute)
	e.As(t, e.otherTechUser).MustData(changeStatut, map[string]any{"id": id, "s": "CLOTUREE"}, &struct{}{})

	kpis := `query($id: ID!) { node(id: $id) { ... on Intervention { dureeReelle coutMainOeuvreCentimes } } }`
	var got struct {
		Node *struct{ DureeReelle, CoutMainOeuvreCentimes int }
	}
	for _, as := range []*ent.User{e.resp, e.techUser, e.otherTechUser} {
		e.As(t, as).MustData(kpis, map[string]any{"id": id}, &got)
		// 60 min at 120.00 MAD/h and 30 min at 60.00 MAD/h: 120 + 30 MAD.
		if got.Node == nil || got.Node.DureeReelle != 90 || got.Node.CoutMainOeuvreCentimes != 15000 {
			t.Errorf("as %s: KPIs = %+v, want 90 minutes and 15000 centimes", as.Email, got.Node)
		}
	}
	// The list path too (on PostgreSQL it is rendered from SQL).
	var list struct {
		Interventions struct {
			Edges []struct {
				Node struct{ CoutMainOeuvreCentimes int }
			}
		}
	}
	e.As(t, e.techUser).MustData(`{ interventions(first: 10) { edges { node { coutMainOeuvreCentimes } } } }`, nil, &list)
	if len(list.Interventions.Edges) != 1 || list.Interventions.Edges[0].Node.CoutMainOeuvreCentimes != 15000 {
		t.Errorf("first technician's list = %+v, want the handed-over work at 15000", list.Interventions.Edges)
	}
	var notes struct {
		Me struct {
			Notifications struct {
				Edges []struct {
					Node struct {
						Type         string
						Intervention *struct{ ID string }
					}
				}
			}
		}
	}
	e.As(t, e.techUser).MustData(`{ me { notifications(first: 10) { edges { node { type intervention { id } } } } } }`, nil, &notes)
	found := false
	for _, n := range notes.Me.Notifications.Edges {
		if n.Node.Type == "AFFECTATION" {
			found = true
			if n.Node.Intervention == nil || n.Node.Intervention.ID != id {
				t.Errorf("first technician's assignment notice shows intervention %+v, want %s", n.Node.Intervention, id)
			}
		}
	}
	if !found {
		t.Errorf("first technician has no assignment notice: %+v", notes.Me.Notifications.Edges)
	}
	// Reading is not acting: only the technician in charge moves the work.
	if err := e.As(t, e.techUser).MustFail(changeStatut, map[string]any{"id": id, "s": "ARCHIVEE"}); err.Code() != "FORBIDDEN" {
		t.Errorf("former technician archiving: %q, want FORBIDDEN", err.Code())
	}
}

// TestClientValidation: the client who may read closed work (or staff) records his validation
// and satisfaction once, before it is archived; nobody else, and nothing else, does.
func TestClientValidation(t *testing.T) {
	e := newIvEnv(t)
	valider := `mutation($id: ID!, $s: Int, $c: String) { validerIntervention(id: $id, satisfaction: $s, commentaire: $c) {
  validationClient satisfactionClient commentaireClient dateValidationClient } }`
	closed := func(t *testing.T, client *ent.Societe) *ent.Intervention {
		q := e.Client.Intervention.Create().SetTitre("Réparée").SetStatut(domain.StatutCloturee).
			SetDateCloture(e.Clock.Now()).SetDemandeur(e.resp)
		if client != nil {
			q.SetClient(client)
		}
		return q.SaveX(e.Sys)
	}
	other := e.Client.Societe.Create().SetNom("Autre").SetCode("CL-2").SaveX(e.Sys)

	t.Run("ClientOnce", func(t *testing.T) {
		iv := closed(t, e.societe)
		vars := map[string]any{"id": strconv.Itoa(iv.ID), "s": 4, "c": "  rapide et propre  "}
		var got struct {
			ValiderIntervention struct {
				ValidationClient     bool
				SatisfactionClient   *int
				CommentaireClient    *string
				DateValidationClient *time.Time
			}
		}
		e.As(t, e.clientUser).MustData(valider, vars, &got)
		v := got.ValiderIntervention
		if !v.ValidationClient || v.SatisfactionClient == nil || *v.SatisfactionClient != 4 ||
			str(v.CommentaireClient) != "rapide et propre" || v.DateValidationClient == nil {
			t.Errorf("validated = %+v", v)
		}
		vars["s"] = 1
		if err := e.As(t, e.clientUser).MustFail(valider, vars); err.Code() != "CONFLICT" {
			t.Errorf("second validation: %q, want CONFLICT", err.Code())
		}
		if s := e.Client.Intervention.GetX(e.Sys, iv.ID).SatisfactionClient; s == nil || *s != 4 {
			t.Errorf("satisfaction after the refused second validation = %v, want 4", s)
		}
		var h ivWithHistory
		e.As(t, e.resp).MustData(ivHistory, map[string]any{"id": strconv.Itoa(iv.ID)}, &h)
		if a := audit(h.Node.Historique, "satisfactionClient"); len(a) != 1 || str(a[0].NouvelleValeur) != "4" ||
			a[0].User.ID != strconv.Itoa(e.clientUser.ID) {
			t.Errorf("satisfactionClient audit lines = %+v", a)
		}
	})
	tests := []struct {
		name string
		as   *ent.User
		iv   func(t *testing.T) *ent.Intervention
		s    any
		code string
	}{
		{"Staff", e.resp, func(t *testing.T) *ent.Intervention { return closed(t, e.societe) }, nil, ""},
		{"OtherCompany", e.clientUser, func(t *testing.T) *ent.Intervention { return closed(t, other) }, 5, "NOT_FOUND"},
		{"Technician", e.techUser, func(t *testing.T) *ent.Intervention { return closed(t, e.societe) }, 5, "FORBIDDEN"},
		{"SatisfactionOutOfRange", e.clientUser, func(t *testing.T) *ent.Intervention { return closed(t, e.societe) }, 6, "BAD_USER_INPUT"},
		{"SatisfactionZero", e.clientUser, func(t *testing.T) *ent.Intervention { return closed(t, e.societe) }, 0, "BAD_USER_INPUT"},
		{"StillOpen", e.clientUser, func(t *testing.T) *ent.Intervention {
			return e.Client.Intervention.Create().SetTitre("En cours").SetStatut(domain.StatutEnCours).SetClient(e.societe).SaveX(e.Sys)
		}, 5, "LOCKED"},
		{"Archived", e.clientUser, func(t *testing.T) *ent.Intervention {
			return e.Client.Intervention.Create().SetTitre("Archivée").SetStatut(domain.StatutArchivee).SetClient(e.societe).SaveX(e.Sys)
		}, 5, "LOCKED"},
		{"Cancelled", e.resp, func(t *testing.T) *ent.Intervention {
			return e.Client.Intervention.Create().SetTitre("Annulée").SetStatut(domain.StatutAnnulee).SetClient(e.societe).SaveX(e.Sys)
		}, nil, "LOCKED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iv := tt.iv(t)
			vars := map[string]any{"id": strconv.Itoa(iv.ID), "s": tt.s}
			if tt.code == "" {
				e.As(t, tt.as).MustData(valider, vars, &struct{}{})
				if !e.Client.Intervention.GetX(e.Sys, iv.ID).ValidationClient {
					t.Errorf("not validated")
				}
				return
			}
			if err := e.As(t, tt.as).MustFail(valider, vars); err.Code() != tt.code {
				t.Errorf("code = %q (%s), want %s", err.Code(), err.Message, tt.code)
			}
			if after := e.Client.Intervention.GetX(e.Sys, iv.ID); after.ValidationClient || after.SatisfactionClient != nil {
				t.Errorf("refused validation stored: %+v", after)
			}
		})
	}
}
