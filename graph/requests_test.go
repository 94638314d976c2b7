package graph_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/historiqueintervention"
	"github.com/mifmaroc/erp/ent/notification"
	"github.com/mifmaroc/erp/internal/domain"
)

const (
	demandeSoumettre = `mutation($in: CreateDemandeInterventionInput!) { soumettreDemande(input: $in) {
  id statut urgenceSuggeree societeID demandeur { id } } }`
	demandeApprouver = `mutation($id: ID!, $p: Priorite!, $d: Time, $t: ID) { approuverDemande(id: $id, priorite: $p, dateLimite: $d, technicienId: $t) {
  statut dateTraitement traitePar { id } intervention { id titre statut priorite dateLimite demandeurID clientID equipementID
  historique { nouveauStatut } } } }`
	demandeRejeter = `mutation($id: ID!, $m: String!) { rejeterDemande(id: $id, motif: $m) { statut motifRejet traitePar { id } } }`
	demandeDoublon = `mutation($id: ID!, $iv: ID!) { marquerDoublon(id: $id, interventionId: $iv) { statut doublonDeID doublonDe { id } } }`
	demandesList   = `{ demandesIntervention { totalCount edges { node { titre statut motifRejet intervention { statut } } } } }`
)

// reqEnv is newIvEnv with an equipement of the client's company.
type reqEnv struct {
	*ivEnv
	eqClient *ent.Equipement
}

func newReqEnv(t *testing.T) *reqEnv {
	t.Helper()
	e := &reqEnv{ivEnv: newIvEnv(t)}
	e.eqClient = e.Client.Equipement.Create().SetNom("Chaudière").SetCode("EQ-C").SetClient(e.societe).SaveX(e.Sys)
	return e
}

// submit is a request of the client on his company's equipment, through the API.
func (e *reqEnv) submit(t *testing.T, titre string) string {
	t.Helper()
	var out struct{ SoumettreDemande struct{ ID string } }
	e.As(t, e.clientUser).MustData(demandeSoumettre, map[string]any{"in": map[string]any{
		"titre": titre, "description": "Elle ne chauffe plus", "urgenceSuggeree": "URGENTE", "equipementID": strconv.Itoa(e.eqClient.ID),
	}}, &out)
	return out.SoumettreDemande.ID
}

// notices are the subjects of the notifications written for u.
func (e *reqEnv) notices(u *ent.User) []string {
	var out []string
	for _, n := range e.Client.Notification.Query().Where(notification.UserID(u.ID)).Order(ent.Asc(notification.FieldID)).AllX(e.Sys) {
		out = append(out, n.Sujet+" | "+n.Message)
	}
	return out
}

// The hidden scenario: a client's request waits for triage (no work, no clock running), a
// responsable approves it at the priority he chooses, the intervention opens for the client
// with its history line and SLA deadline, and the client is notified and follows it.
func TestDemandeApprouvee(t *testing.T) {
	e := newReqEnv(t)
	client := e.As(t, e.clientUser)
	var sub struct {
		SoumettreDemande struct {
			ID, Statut, UrgenceSuggeree string
			SocieteID                   *string `json:"societeID"`
			Demandeur                   struct{ ID string }
		}
	}
	client.MustData(demandeSoumettre, map[string]any{"in": map[string]any{
		"titre": "  Chaudière en panne ", "description": "Elle ne chauffe plus", "urgenceSuggeree": "URGENTE",
		"equipementID": strconv.Itoa(e.eqClient.ID),
	}}, &sub)
	s := sub.SoumettreDemande
	if s.Statut != "NOUVELLE" || s.UrgenceSuggeree != "URGENTE" || s.SocieteID == nil || *s.SocieteID != strconv.Itoa(e.societe.ID) ||
		s.Demandeur.ID != strconv.Itoa(e.clientUser.ID) {
		t.Fatalf("submitted %+v", s)
	}
	if n := e.Client.Intervention.Query().CountX(e.Sys); n != 0 {
		t.Fatalf("%d interventions exist before triage", n)
	}
	if got := e.notices(e.resp); len(got) != 1 || !strings.HasPrefix(got[0], "Nouvelle demande d'intervention : Chaudière en panne") {
		t.Errorf("responsable's notices = %q", got)
	}

	now := e.Clock.Now()
	var out struct {
		ApprouverDemande struct {
			Statut         string
			DateTraitement time.Time
			TraitePar      struct{ ID string }
			Intervention   struct {
				ID, Titre, Statut, Priorite string
				DateLimite                  time.Time
				DemandeurID                 string `json:"demandeurID"`
				ClientID                    string `json:"clientID"`
				EquipementID                string `json:"equipementID"`
				Historique                  []struct{ NouveauStatut string }
			}
		}
	}
	e.As(t, e.resp).MustData(demandeApprouver, map[string]any{"id": s.ID, "p": "HAUTE"}, &out)
	a := out.ApprouverDemande
	iv := a.Intervention
	if a.Statut != "APPROUVEE" || a.TraitePar.ID != strconv.Itoa(e.resp.ID) || !a.DateTraitement.Equal(now) {
		t.Errorf("approved request %+v", a)
	}
	want := []string{"Chaudière en panne", "OUVERTE", "HAUTE", strconv.Itoa(e.clientUser.ID), strconv.Itoa(e.societe.ID), strconv.Itoa(e.eqClient.ID)}
	if diff := cmp.Diff(want, []string{iv.Titre, iv.Statut, iv.Priorite, iv.DemandeurID, iv.ClientID, iv.EquipementID}); diff != "" {
		t.Errorf("intervention (-want +got):\n%s", diff)
	}
	if !iv.DateLimite.Equal(now.Add(24 * time.Hour)) {
		t.Errorf("dateLimite = %s, want the HAUTE SLA from %s", iv.DateLimite, now)
	}
	if len(iv.Historique) != 1 || iv.Historique[0].NouveauStatut != "OUVERTE" {
		t.Errorf("history %+v, want its creation line", iv.Historique)
	}
	got := e.notices(e.clientUser)
	if len(got) != 1 || !strings.HasPrefix(got[0], "Demande approuvée : Chaudière en panne | ") || !strings.Contains(got[0], "#"+iv.ID) {
		t.Errorf("client's notices = %q", got)
	}
	// The client follows his request into the work.
	var list struct {
		DemandesIntervention struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Statut       string
					Intervention *struct{ Statut string }
				}
			}
		}
	}
	client.MustData(demandesList, nil, &list)
	if l := list.DemandesIntervention; l.TotalCount != 1 || l.Edges[0].Node.Statut != "APPROUVEE" ||
		l.Edges[0].Node.Intervention == nil || l.Edges[0].Node.Intervention.Statut != "OUVERTE" {
		t.Errorf("client's list %+v", l)
	}
	// And the work shows where it came from (on PostgreSQL, through the direct rendering).
	var work struct {
		Interventions struct {
			Edges []struct {
				Node struct {
					Demande *struct{ ID, Statut string }
				}
			}
		}
	}
	client.MustData(`{ interventions { edges { node { demande { id statut } } } } }`, nil, &work)
	if w := work.Interventions.Edges; len(w) != 1 || w[0].Node.Demande == nil || w[0].Node.Demande.ID != s.ID || w[0].Node.Demande.Statut != "APPROUVEE" {
		t.Errorf("client's interventions %+v, want the one from his request", w)
	}
}

// Approving with a technician and a deadline assigns the work at once, with both history
// lines, and keeps the triager's deadline.
func TestDemandeApprouveeAffectee(t *testing.T) {
	e := newReqEnv(t)
	id := e.submit(t, "Fuite")
	due := e.Clock.Now().Add(5 * time.Hour)
	var out struct {
		ApprouverDemande struct {
			Intervention struct {
				ID, Statut string
				DateLimite time.Time
				Historique []struct{ NouveauStatut string }
			}
		}
	}
	e.As(t, e.admin).MustData(demandeApprouver, map[string]any{"id": id, "p": "URGENTE", "d": due.Format(time.RFC3339), "t": strconv.Itoa(e.tech.ID)}, &out)
	iv := out.ApprouverDemande.Intervention
	if iv.Statut != "AFFECTEE" || !iv.DateLimite.Equal(due) || len(iv.Historique) < 2 ||
		iv.Historique[0].NouveauStatut != "OUVERTE" || iv.Historique[1].NouveauStatut != "AFFECTEE" {
		t.Errorf("intervention %+v", iv)
	}
	if n := len(e.notices(e.techUser)); n != 1 {
		t.Errorf("technician got %d notifications, want the assignment", n)
	}
}

func TestDemandeRejeteeEtDoublon(t *testing.T) {
	e := newReqEnv(t)
	resp := e.As(t, e.resp)
	t.Run("Rejet", func(t *testing.T) {
		id := e.submit(t, "Bruit")
		var out struct {
			RejeterDemande struct {
				Statut, MotifRejet string
				TraitePar          struct{ ID string }
			}
		}
		resp.MustData(demandeRejeter, map[string]any{"id": id, "m": " Bruit normal de fonctionnement "}, &out)
		if r := out.RejeterDemande; r.Statut != "REJETEE" || r.MotifRejet != "Bruit normal de fonctionnement" || r.TraitePar.ID != strconv.Itoa(e.resp.ID) {
			t.Errorf("rejected %+v", r)
		}
		got := e.notices(e.clientUser)
		if len(got) == 0 || got[len(got)-1] != "Demande rejetée : Bruit | Votre demande #"+id+" « Bruit » est rejetée. Motif : Bruit normal de fonctionnement" {
			t.Errorf("client's notices = %q", got)
		}
	})
	t.Run("Doublon", func(t *testing.T) {
		iv := e.at(t, domain.StatutEnCours)
		id := e.submit(t, "Encore la fuite")
		var out struct {
			MarquerDoublon struct {
				Statut      string
				DoublonDeID string `json:"doublonDeID"`
				DoublonDe   struct{ ID string }
			}
		}
		resp.MustData(demandeDoublon, map[string]any{"id": id, "iv": strconv.Itoa(iv.ID)}, &out)
		if d := out.MarquerDoublon; d.Statut != "DOUBLON" || d.DoublonDeID != strconv.Itoa(iv.ID) || d.DoublonDe.ID != d.DoublonDeID {
			t.Errorf("duplicate %+v", d)
		}
		got := e.notices(e.clientUser)
		if len(got) == 0 || !strings.HasPrefix(got[len(got)-1], "Demande déjà prise en charge : Encore la fuite") {
			t.Errorf("client's notices = %q", got)
		}
	})
}

// Refused submissions and triages are errors with their code, and change nothing: no
// request, intervention, history line nor notification, and the request stays as it was.
func TestDemandeRefus(t *testing.T) {
	e := newReqEnv(t)
	otherSoc := e.Client.Societe.Create().SetNom("Autre").SetCode("CL-2").SaveX(e.Sys)
	eqOther := e.Client.Equipement.Create().SetNom("Pompe").SetCode("EQ-O").SetClient(otherSoc).SaveX(e.Sys)
	eqRetire := e.Client.Equipement.Create().SetNom("Vieux").SetCode("EQ-R").SetClient(e.societe).SetStatut(domain.EquipementRetire).SaveX(e.Sys)
	pending := e.submit(t, "En attente")
	done := e.submit(t, "Déjà traitée")
	e.As(t, e.resp).MustData(demandeRejeter, map[string]any{"id": done, "m": "non"}, &struct{}{})
	iv := e.at(t, domain.StatutOuverte)
	absent := e.Client.Technicien.Create().SetUser(e.User(t, "Congé", domain.RoleTechnicien)).
		SetDisponibilite(domain.DisponibiliteConge).SaveX(e.Sys)
	soumettre := func(eq int) map[string]any {
		return map[string]any{"in": map[string]any{"titre": "x", "description": "y", "equipementID": strconv.Itoa(eq)}}
	}
	cases := []struct {
		name  string
		as    *ent.User
		query string
		vars  map[string]any
		code  string
	}{
		{"ClientOtherCompanysEquipment", e.clientUser, demandeSoumettre, soumettre(eqOther.ID), "NOT_FOUND"},
		{"ClientEquipmentWithoutCompany", e.clientUser, demandeSoumettre, soumettre(e.eq.ID), "NOT_FOUND"},
		{"RetiredEquipment", e.clientUser, demandeSoumettre, soumettre(eqRetire.ID), "EQUIPMENT_RETIRED"},
		{"EmptyDescription", e.techUser, demandeSoumettre, map[string]any{"in": map[string]any{"titre": "x", "description": "  ", "equipementID": strconv.Itoa(e.eq.ID)}}, "BAD_USER_INPUT"},
		{"TechnicianApproves", e.techUser, demandeApprouver, map[string]any{"id": pending, "p": "NORMALE"}, "FORBIDDEN"},
		{"ClientApproves", e.clientUser, demandeApprouver, map[string]any{"id": pending, "p": "URGENTE"}, "FORBIDDEN"},
		{"ClientRejects", e.clientUser, demandeRejeter, map[string]any{"id": pending, "m": "non"}, "FORBIDDEN"},
		{"TechnicianDuplicates", e.techUser, demandeDoublon, map[string]any{"id": pending, "iv": strconv.Itoa(iv.ID)}, "FORBIDDEN"},
		{"ApproveTriaged", e.resp, demandeApprouver, map[string]any{"id": done, "p": "NORMALE"}, "CONFLICT"},
		{"RejectTriaged", e.admin, demandeRejeter, map[string]any{"id": done, "m": "non"}, "CONFLICT"},
		{"DuplicateTriaged", e.resp, demandeDoublon, map[string]any{"id": done, "iv": strconv.Itoa(iv.ID)}, "CONFLICT"},
		{"RejectWithoutMotif", e.resp, demandeRejeter, map[string]any{"id": pending, "m": "  "}, "BAD_USER_INPUT"},
		{"DuplicateOfNothing", e.resp, demandeDoublon, map[string]any{"id": pending, "iv": strconv.Itoa(iv.ID + 1000)}, "NOT_FOUND"},
		{"UnknownRequest", e.resp, demandeRejeter, map[string]any{"id": strconv.Itoa(e.eq.ID), "m": "non"}, "NOT_FOUND"},
		{"AbsentTechnician", e.resp, demandeApprouver, map[string]any{"id": pending, "p": "NORMALE", "t": strconv.Itoa(absent.ID)}, "TECHNICIAN_UNAVAILABLE"},
	}
	counts := func() []int {
		return []int{
			e.Client.DemandeIntervention.Query().CountX(e.Sys),
			e.Client.Intervention.Query().CountX(e.Sys),
			e.Client.HistoriqueIntervention.Query().Where(historiqueintervention.InterventionIDNEQ(iv.ID)).CountX(e.Sys),
			e.Client.Notification.Query().CountX(e.Sys),
		}
	}
	before := counts()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := e.As(t, tc.as).MustFail(tc.query, tc.vars)
			if err.Code() != tc.code {
				t.Errorf("code = %q (%s), want %s", err.Code(), err.Message, tc.code)
			}
			if diff := cmp.Diff(before, counts()); diff != "" {
				t.Errorf("rows written by a refused request (-before +after):\n%s", diff)
			}
			id, _ := strconv.Atoi(pending)
			if d := e.Client.DemandeIntervention.GetX(e.Sys, id); d.Statut != domain.DemandeNouvelle || d.TraiteParID != nil || d.InterventionID != nil {
				t.Errorf("pending request changed: %+v", d)
			}
		})
	}
}

// Who follows which requests: staff all, a client his own and his company's, anyone else
// his own.
func TestDemandeVisibilite(t *testing.T) {
	e := newReqEnv(t)
	colleague := e.User(t, "Collègue", domain.RoleClient)
	e.Client.Societe.UpdateOne(e.societe).AddUsers(colleague).ExecX(e.Sys)
	outsider := e.User(t, "Dehors", domain.RoleClient)
	e.submit(t, "Du client")
	e.As(t, e.techUser).MustData(demandeSoumettre, map[string]any{"in": map[string]any{
		"titre": "Du technicien", "description": "Bruit", "equipementID": strconv.Itoa(e.eq.ID)}}, &struct{}{})
	cases := []struct {
		name string
		as   *ent.User
		want []string
	}{
		{"Admin", e.admin, []string{"Du technicien", "Du client"}},
		{"Responsable", e.resp, []string{"Du technicien", "Du client"}},
		{"Requester", e.clientUser, []string{"Du client"}},
		{"Colleague", colleague, []string{"Du client"}},
		{"OtherClient", outsider, nil},
		{"Technician", e.techUser, []string{"Du technicien"}},
		{"OtherTechnician", e.otherTechUser, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out struct {
				DemandesIntervention struct {
					Edges []struct{ Node struct{ Titre string } }
				}
			}
			e.As(t, tc.as).MustData(demandesList, nil, &out)
			var got []string
			for _, ed := range out.DemandesIntervention.Edges {
				got = append(got, ed.Node.Titre)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("titles, newest first (-want +got):\n%s", diff)
			}
		})
	}
}

// The requester follows his request live; a client of another company hears nothing, and
// nobody receives a request he may not read (a technician's, here).
func TestDemandeModifiee(t *testing.T) {
	e := newReqEnv(t)
	outsider := e.User(t, "Concurrent", domain.RoleClient)
	e.Client.Societe.Create().SetNom("Autre usine").SetCode("CL-2").AddUsers(outsider).ExecX(e.Sys)
	const sub = `subscription { demandeModifiee { titre statut } }`
	owner, err := dialWS(t, e.Env, e.Token(t, e.clientUser), false)
	if err != nil {
		t.Fatal(err)
	}
	owner.subscribe("1", sub, nil)
	watcher, err := dialWS(t, e.Env, e.Token(t, outsider), false)
	if err != nil {
		t.Fatal(err)
	}
	watcher.subscribe("1", sub, nil)
	waitSubscribers(t, e.Env, 2)

	e.As(t, e.techUser).MustData(demandeSoumettre, map[string]any{"in": map[string]any{
		"titre": "Du technicien", "description": "Bruit", "equipementID": strconv.Itoa(e.eq.ID)}}, &struct{}{})
	// An event carries the request as it is when it is delivered: each step is awaited
	// before the next, so that each event shows its own.
	var got []string
	receive := func() {
		var ev struct {
			Data struct {
				DemandeModifiee struct{ Titre, Statut string }
			}
		}
		if err := json.Unmarshal(owner.next(5*time.Second), &ev); err != nil {
			t.Fatal(err)
		}
		got = append(got, ev.Data.DemandeModifiee.Titre+" "+ev.Data.DemandeModifiee.Statut)
	}
	id := e.submit(t, "Chaudière")
	receive()
	e.As(t, e.resp).MustData(demandeApprouver, map[string]any{"id": id, "p": "NORMALE"}, &struct{}{})
	receive()
	if diff := cmp.Diff([]string{"Chaudière NOUVELLE", "Chaudière APPROUVEE"}, got); diff != "" {
		t.Errorf("requester's events (-want +got):\n%s", diff)
	}
	if m, err := watcher.read(500 * time.Millisecond); err == nil && (m.Type == "next" || m.Type == "data") {
		t.Errorf("another client received %s", m.Payload)
	}
}
