package graph_test

import (
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/historiqueintervention"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
)

// ivEnv is a workshop: staff, an assigned technician with an hourly rate, a client company.
type ivEnv struct {
	*apptest.Env
	admin, resp, techUser, otherTechUser, clientUser *ent.User
	tech, otherTech                                  *ent.Technicien
	societe                                          *ent.Societe
	eq                                               *ent.Equipement
}

func newIvEnv(t *testing.T) *ivEnv {
	t.Helper()
	e := &ivEnv{Env: apptest.New(t)}
	e.admin = e.User(t, "Admin", domain.RoleAdmin)
	e.resp = e.User(t, "Resp", domain.RoleResponsable)
	e.techUser = e.User(t, "Tech", domain.RoleTechnicien)
	e.otherTechUser = e.User(t, "Autre", domain.RoleTechnicien)
	e.clientUser = e.User(t, "Client", domain.RoleClient)
	e.tech = e.Client.Technicien.Create().SetUser(e.techUser).SetTauxHoraireCentimes(12000).SaveX(e.Sys)
	e.otherTech = e.Client.Technicien.Create().SetUser(e.otherTechUser).SaveX(e.Sys)
	e.societe = e.Client.Societe.Create().SetNom("Usine").SetCode("CL-1").AddUsers(e.clientUser).SaveX(e.Sys)
	e.eq = e.Client.Equipement.Create().SetNom("Compresseur").SetCode("EQ-1").SaveX(e.Sys)
	return e
}

// at creates an intervention already in statut (with the technician assigned), as the
// fixtures of the transition table need.
func (e *ivEnv) at(t *testing.T, statut domain.InterventionStatut) *ent.Intervention {
	t.Helper()
	return e.Client.Intervention.Create().SetTitre("Fixture " + string(statut)).SetStatut(statut).
		SetTechnicien(e.tech).SetEquipement(e.eq).SetDemandeur(e.resp).SetRapport("Travail fait.").SaveX(e.Sys)
}

func (e *ivEnv) historyCount(id int) int {
	return e.Client.HistoriqueIntervention.Query().Where(historiqueintervention.InterventionID(id)).CountX(e.Sys)
}

const changeStatut = `mutation($id: ID!, $s: InterventionStatut!, $r: String) {
  changeInterventionStatut(id: $id, statut: $s, remarque: $r) { statut technicienID historique { ancienStatut nouveauStatut remarque } }
}`

var statuts = []domain.InterventionStatut{"OUVERTE", "AFFECTEE", "EN_COURS", "EN_ATTENTE", "CLOTUREE", "ANNULEE", "ARCHIVEE"}

// TestTransitionsEveryPair: allowed pairs succeed with exactly one history line; all others
// are INVALID_TRANSITION and write nothing.
func TestTransitionsEveryPair(t *testing.T) {
	e := newIvEnv(t)
	api := e.As(t, e.admin)
	allowed := map[string]bool{
		"OUVERTE>AFFECTEE": true, "OUVERTE>ANNULEE": true,
		"AFFECTEE>EN_COURS": true, "AFFECTEE>OUVERTE": true, "AFFECTEE>ANNULEE": true,
		"EN_COURS>EN_ATTENTE": true, "EN_COURS>CLOTUREE": true, "EN_COURS>ANNULEE": true,
		"EN_ATTENTE>EN_COURS": true, "EN_ATTENTE>ANNULEE": true,
		"CLOTUREE>ARCHIVEE": true,
	}
	for _, from := range statuts {
		for _, to := range statuts {
			t.Run(fmt.Sprintf("%s_to_%s", from, to), func(t *testing.T) {
				iv := e.at(t, from)
				vars := map[string]any{"id": strconv.Itoa(iv.ID), "s": string(to), "r": "test"}
				if allowed[string(from)+">"+string(to)] {
					var got struct {
						ChangeInterventionStatut struct {
							Statut     string
							Historique []struct{ AncienStatut, NouveauStatut, Remarque string }
						}
					}
					api.MustData(changeStatut, vars, &got)
					want := []struct{ AncienStatut, NouveauStatut, Remarque string }{{string(from), string(to), "test"}}
					if to == domain.StatutOuverte {
						// and the audit line of the technician taken off the work
						want = append(want, struct{ AncienStatut, NouveauStatut, Remarque string }{"OUVERTE", "OUVERTE", ""})
					}
					if got.ChangeInterventionStatut.Statut != string(to) {
						t.Errorf("statut = %s, want %s", got.ChangeInterventionStatut.Statut, to)
					}
					if diff := cmp.Diff(want, got.ChangeInterventionStatut.Historique); diff != "" {
						t.Errorf("history (-want +got):\n%s", diff)
					}
					return
				}
				err := api.MustFail(changeStatut, vars)
				if err.Code() != "INVALID_TRANSITION" {
					t.Errorf("code = %q (%s), want INVALID_TRANSITION", err.Code(), err.Message)
				}
				if n := e.historyCount(iv.ID); n != 0 {
					t.Errorf("%d history lines written by a refused move", n)
				}
				if s := e.Client.Intervention.GetX(e.Sys, iv.ID).Statut; s != from {
					t.Errorf("statut became %s", s)
				}
			})
		}
	}
}

func TestCreateIntervention(t *testing.T) {
	e := newIvEnv(t)
	create := `mutation($in: CreateInterventionInput!) {
  createIntervention(input: $in) { id statut type priorite dateLimite clientID demandeur { email } historique { ancienStatut nouveauStatut user { email } } }
}`
	type created struct {
		CreateIntervention struct {
			ID, Statut, Type, Priorite string
			DateLimite                 *time.Time
			ClientID                   *string
			Demandeur                  struct{ Email string }
			Historique                 []struct {
				AncienStatut  *string
				NouveauStatut string
				User          struct{ Email string }
			}
		}
	}

	t.Run("Responsable", func(t *testing.T) {
		var got created
		e.As(t, e.resp).MustData(create, map[string]any{"in": map[string]any{
			"titre": "Fuite d'huile", "priorite": "HAUTE", "equipementID": strconv.Itoa(e.eq.ID),
		}}, &got)
		c := got.CreateIntervention
		if c.Statut != "OUVERTE" || c.Type != "CORRECTIVE" || c.Demandeur.Email != e.resp.Email {
			t.Errorf("created = %+v", c)
		}
		wantLimit := e.Clock.Now().Add(24 * time.Hour)
		if c.DateLimite == nil || !c.DateLimite.Equal(wantLimit) {
			t.Errorf("dateLimite = %v, want %v (HAUTE: 24 h)", c.DateLimite, wantLimit)
		}
		if len(c.Historique) != 1 || c.Historique[0].AncienStatut != nil || c.Historique[0].NouveauStatut != "OUVERTE" ||
			c.Historique[0].User.Email != e.resp.Email {
			t.Errorf("history = %+v, want one creation line by the creator", c.Historique)
		}
	})
	t.Run("ClientRequest", func(t *testing.T) {
		var got created
		e.As(t, e.clientUser).MustData(create, map[string]any{"in": map[string]any{"titre": "Panne"}}, &got)
		c := got.CreateIntervention
		if c.ClientID == nil || *c.ClientID != strconv.Itoa(e.societe.ID) || c.Statut != "OUVERTE" || c.Demandeur.Email != e.clientUser.Email {
			t.Errorf("client request = %+v, want OUVERTE for his company", c)
		}
	})

	refusals := []struct {
		name string
		as   *ent.User
		in   map[string]any
		code string
	}{
		{"UnknownEquipement", e.resp, map[string]any{"titre": "x", "equipementID": strconv.Itoa(e.eq.ID + 999)}, "NOT_FOUND"},
		{"UnknownClient", e.resp, map[string]any{"titre": "x", "clientID": "999"}, "NOT_FOUND"},
		{"EmptyTitre", e.resp, map[string]any{"titre": ""}, "BAD_USER_INPUT"},
		{"ClientPreventive", e.clientUser, map[string]any{"titre": "x", "type": "PREVENTIVE"}, "FORBIDDEN"},
		{"ClientOtherCompany", e.clientUser, map[string]any{"titre": "x", "clientID": strconv.Itoa(e.societe.ID + 1)}, "FORBIDDEN"},
		{"Technicien", e.techUser, map[string]any{"titre": "x"}, "FORBIDDEN"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			before := e.Client.Intervention.Query().CountX(e.Sys)
			err := e.As(t, tt.as).MustFail(create, map[string]any{"in": tt.in})
			if err.Code() != tt.code {
				t.Errorf("code = %q (%s), want %s", err.Code(), err.Message, tt.code)
			}
			if after := e.Client.Intervention.Query().CountX(e.Sys); after != before {
				t.Errorf("%d interventions after a refusal, want %d", after, before)
			}
		})
	}
}

func TestClosedInterventionIsLocked(t *testing.T) {
	e := newIvEnv(t)
	api := e.As(t, e.admin)
	update := `mutation($id: ID!) { updateIntervention(id: $id, input: {titre: "changé"}) { titre } }`
	assign := `mutation($id: ID!, $t: ID!) { assignIntervention(id: $id, technicienId: $t) { statut } }`
	for _, s := range []domain.InterventionStatut{"CLOTUREE", "ARCHIVEE", "ANNULEE"} {
		t.Run(string(s), func(t *testing.T) {
			iv := e.at(t, s)
			if err := api.MustFail(update, map[string]any{"id": strconv.Itoa(iv.ID)}); err.Code() != "LOCKED" {
				t.Errorf("update: %q (%s), want LOCKED", err.Code(), err.Message)
			}
			if err := api.MustFail(assign, map[string]any{"id": strconv.Itoa(iv.ID), "t": strconv.Itoa(e.otherTech.ID)}); err.Code() != "LOCKED" {
				t.Errorf("assign: %q (%s), want LOCKED", err.Code(), err.Message)
			}
			if got := e.Client.Intervention.GetX(e.Sys, iv.ID); got.Titre != iv.Titre || *got.TechnicienID != e.tech.ID {
				t.Errorf("locked intervention changed: %+v", got)
			}
		})
	}
}

func TestAssign(t *testing.T) {
	e := newIvEnv(t)
	iv := e.Client.Intervention.Create().SetTitre("À affecter").SaveX(e.Sys)
	assign := `mutation($id: ID!, $t: ID!) { assignIntervention(id: $id, technicienId: $t, remarque: "urgent") {
  statut technicien { id } dateAffectation historique { ancienStatut nouveauStatut remarque champ nouvelleValeur } } }`
	var got struct {
		AssignIntervention struct {
			Statut          string
			Technicien      struct{ ID string }
			DateAffectation *time.Time
			Historique      []struct {
				AncienStatut   *string
				NouveauStatut  string
				Remarque       string
				Champ          *string
				NouvelleValeur *string
			}
		}
	}
	e.As(t, e.resp).MustData(assign, map[string]any{"id": strconv.Itoa(iv.ID), "t": strconv.Itoa(e.tech.ID)}, &got)
	a := got.AssignIntervention
	// The status line, then the audit line of the technician field.
	if a.Statut != "AFFECTEE" || a.Technicien.ID != strconv.Itoa(e.tech.ID) || a.DateAffectation == nil ||
		len(a.Historique) != 2 || a.Historique[0].NouveauStatut != "AFFECTEE" || a.Historique[0].Remarque != "urgent" ||
		a.Historique[0].Champ != nil || str(a.Historique[1].Champ) != "technicien" ||
		str(a.Historique[1].NouvelleValeur) != strconv.Itoa(e.tech.ID) {
		t.Errorf("assigned = %+v", a)
	}
	if err := e.As(t, e.resp).MustFail(assign, map[string]any{"id": strconv.Itoa(iv.ID), "t": "999"}); err.Code() != "NOT_FOUND" {
		t.Errorf("unknown technician: %q, want NOT_FOUND", err.Code())
	}
}

func TestTechnicianWorksOnlyHisOwn(t *testing.T) {
	e := newIvEnv(t)
	iv := e.at(t, domain.StatutAffectee)
	id := strconv.Itoa(iv.ID)
	tech := e.As(t, e.techUser)

	var got struct{ ChangeInterventionStatut struct{ Statut string } }
	tech.MustData(changeStatut, map[string]any{"id": id, "s": "EN_COURS"}, &got)
	if got.ChangeInterventionStatut.Statut != "EN_COURS" {
		t.Fatalf("statut = %s", got.ChangeInterventionStatut.Statut)
	}
	tests := []struct {
		name string
		as   *ent.User
		to   string
		code string
	}{
		{"TechCannotCancel", e.techUser, "ANNULEE", "FORBIDDEN"},
		{"OtherTechDoesNotSeeIt", e.otherTechUser, "CLOTUREE", "NOT_FOUND"},
		{"Client", e.clientUser, "CLOTUREE", "FORBIDDEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := e.As(t, tt.as).MustFail(changeStatut, map[string]any{"id": id, "s": tt.to}); err.Code() != tt.code {
				t.Errorf("code = %q (%s), want %s", err.Code(), err.Message, tt.code)
			}
			if s := e.Client.Intervention.GetX(e.Sys, iv.ID).Statut; s != domain.StatutEnCours {
				t.Errorf("statut became %s", s)
			}
		})
	}
	t.Run("ReportOnly", func(t *testing.T) {
		var ok struct{ UpdateIntervention struct{ Rapport string } }
		tech.MustData(`mutation($id: ID!) { updateIntervention(id: $id, input: {rapport: "joint changé"}) { rapport } }`, map[string]any{"id": id}, &ok)
		if ok.UpdateIntervention.Rapport != "joint changé" {
			t.Errorf("rapport = %q", ok.UpdateIntervention.Rapport)
		}
		err := tech.MustFail(`mutation($id: ID!) { updateIntervention(id: $id, input: {priorite: URGENTE}) { id } }`, map[string]any{"id": id})
		if err.Code() != "FORBIDDEN" {
			t.Errorf("technician changing priorite: %q, want FORBIDDEN", err.Code())
		}
	})
}

func TestAvailableTransitions(t *testing.T) {
	e := newIvEnv(t)
	q := `query($id: ID!) { node(id: $id) { ... on Intervention { availableTransitions } } }`
	unassigned := e.Client.Intervention.Create().SetTitre("Nouvelle").SaveX(e.Sys)
	affectee := e.at(t, domain.StatutAffectee)
	tests := []struct {
		name string
		as   *ent.User
		iv   *ent.Intervention
		want []string
	}{
		{"AdminAffectee", e.admin, affectee, []string{"EN_COURS", "OUVERTE", "ANNULEE"}},
		{"AssignedTech", e.techUser, affectee, []string{"EN_COURS"}},
		{"AdminUnassigned", e.admin, unassigned, []string{"ANNULEE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got struct {
				Node struct{ AvailableTransitions []string }
			}
			e.As(t, tt.as).MustData(q, map[string]any{"id": strconv.Itoa(tt.iv.ID)}, &got)
			if diff := cmp.Diff(tt.want, got.Node.AvailableTransitions); diff != "" {
				t.Errorf("availableTransitions (-want +got):\n%s", diff)
			}
		})
	}
}

// TestKPIs drives an intervention through its life with the clock and reads its KPIs.
func TestKPIs(t *testing.T) {
	e := newIvEnv(t)
	api := e.As(t, e.resp)
	var c struct{ CreateIntervention struct{ ID string } }
	api.MustData(`mutation { createIntervention(input: {titre: "Révision", priorite: HAUTE, rapport: "Révision faite."}) { id } }`, nil, &c)
	id := c.CreateIntervention.ID
	api.MustData(`mutation($id: ID!, $t: ID!) { assignIntervention(id: $id, technicienId: $t) { id } }`,
		map[string]any{"id": id, "t": strconv.Itoa(e.tech.ID)}, &struct{}{})
	steps := []struct {
		after time.Duration
		to    string
	}{{30 * time.Minute, "EN_COURS"}, {60 * time.Minute, "EN_ATTENTE"}, {60 * time.Minute, "EN_COURS"}, {30 * time.Minute, "CLOTUREE"}}
	for _, s := range steps {
		e.Clock.Advance(s.after)
		e.As(t, e.resp).MustData(changeStatut, map[string]any{"id": id, "s": s.to}, &struct{}{})
	}
	e.Clock.Advance(48 * time.Hour) // closed: the figures no longer move
	api = e.As(t, e.resp)           // a token issued now: the first one expired meanwhile

	var got struct {
		Node struct {
			DelaiEcoule, DureeReelle                                      int
			DelaiRestant                                                  *int
			EnRetard                                                      bool
			SlaRespecte                                                   *bool
			CoutPiecesCentimes, CoutMainOeuvreCentimes, CoutTotalCentimes int
		}
	}
	api.MustData(`query($id: ID!) { node(id: $id) { ... on Intervention {
  delaiEcoule dureeReelle delaiRestant enRetard slaRespecte coutPiecesCentimes coutMainOeuvreCentimes coutTotalCentimes } } }`,
		map[string]any{"id": id}, &got)
	n := got.Node
	// EN_COURS for 60 + 30 minutes; 90 min at 120.00 MAD/h = 180.00 MAD.
	if n.DelaiEcoule != 180 || n.DureeReelle != 90 || n.DelaiRestant != nil || n.EnRetard ||
		n.SlaRespecte == nil || !*n.SlaRespecte || n.CoutMainOeuvreCentimes != 18000 || n.CoutTotalCentimes != 18000 {
		t.Errorf("KPIs = %+v", n)
	}
}

// TestConcurrentStatusChanges: several requests move one intervention from the same status at
// once; exactly one wins, the others get CONFLICT, and one history line is written.
func TestConcurrentStatusChanges(t *testing.T) {
	e := newIvEnv(t)
	api := e.As(t, e.admin)
	for round := 0; round < 5; round++ {
		iv := e.at(t, domain.StatutEnCours)
		// From EN_COURS both moves are valid; from either result, neither is: a request that
		// reads the row after the winner committed fails too.
		targets := []string{"CLOTUREE", "EN_ATTENTE", "CLOTUREE", "EN_ATTENTE", "CLOTUREE", "EN_ATTENTE"}
		var (
			wg        sync.WaitGroup
			mu        sync.Mutex
			wins      int
			conflicts int
			other     []string
		)
		start := make(chan struct{})
		for _, to := range targets {
			wg.Add(1)
			go func(to string) {
				defer wg.Done()
				<-start
				res := api.Do(changeStatut, map[string]any{"id": strconv.Itoa(iv.ID), "s": to})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case len(res.Errors) == 0:
					wins++
				case res.Errors[0].Code() == "CONFLICT" || res.Errors[0].Code() == "INVALID_TRANSITION":
					// INVALID_TRANSITION: the winner committed before this one read the row.
					conflicts++
				default:
					other = append(other, res.Errors[0].Code()+": "+res.Errors[0].Message)
				}
			}(to)
		}
		close(start)
		wg.Wait()
		if wins != 1 || conflicts != len(targets)-1 || len(other) > 0 {
			t.Fatalf("round %d: %d wins, %d conflicts, others %v; want exactly one win", round, wins, conflicts, other)
		}
		fromEnCours := e.Client.HistoriqueIntervention.Query().
			Where(historiqueintervention.InterventionID(iv.ID), historiqueintervention.AncienStatutEQ(domain.StatutEnCours)).
			CountX(e.Sys)
		if n := e.historyCount(iv.ID); n != 1 || fromEnCours != 1 {
			t.Fatalf("round %d: %d history lines (%d from EN_COURS), want exactly 1", round, n, fromEnCours)
		}
	}
}
