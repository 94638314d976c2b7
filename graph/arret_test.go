package graph_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/internal/domain"
)

const (
	arretCreate = `mutation($in: CreateInterventionInput!) { createIntervention(input: $in) { id arretEquipement } }`
	arretUpdate = `mutation($id: ID!, $in: UpdateInterventionInput!) { updateIntervention(id: $id, input: $in) { id arretEquipement } }`
	arretAssign = `mutation($id: ID!, $t: ID!) { assignIntervention(id: $id, technicienId: $t) { statut } }`
	arretEquip  = `mutation($id: ID!, $s: EquipementStatut!) { updateEquipement(id: $id, input: {statut: $s}) { statut } }`
	arretRead   = `query($id: ID!) { node(id: $id) { ... on Equipement { statut
  arrets(first: 20) { totalCount edges { node { debut fin intervention { id } user { email } } } } } } }`
)

type arretView struct {
	Node struct {
		Statut string
		Arrets struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Debut        time.Time
					Fin          *time.Time
					Intervention *struct{ ID string }
					User         *struct{ Email string }
				}
			}
		}
	}
}

// stop is a stop as a test expects it: its start, its end (zero: running) and its cause.
type stop struct {
	Debut, Fin time.Time
	Cause      string
}

// TestArretEquipement: corrective work that declares the stop puts its equipment PANNE and
// opens one stop, however many such jobs are open; the stop ends, and the equipment runs
// again, when the last of them closes or is cancelled, or drops the declaration; staff setting
// the statut by hand open and end stops of their own; preventive work never stops anything.
// Run with the frozen clock and with the real one.
func TestArretEquipement(t *testing.T) {
	for _, real := range []bool{false, true} {
		t.Run(map[bool]string{false: "FrozenClock", true: "RealClock"}[real], func(t *testing.T) {
			e := newIvEnv(t)
			if real {
				e.Clock.Run()
			}
			resp, client := e.As(t, e.resp), e.As(t, e.clientUser)
			eqID := strconv.Itoa(e.eq.ID)
			e.Client.Equipement.UpdateOne(e.eq).SetClientID(e.societe.ID).ExecX(e.Sys)
			var want []stop
			check := func(step, statut string) {
				t.Helper()
				var v arretView
				resp.MustData(arretRead, map[string]any{"id": eqID}, &v)
				var got []stop
				for _, ed := range v.Node.Arrets.Edges {
					s := stop{Debut: ed.Node.Debut.UTC()}
					if ed.Node.Fin != nil {
						s.Fin = ed.Node.Fin.UTC()
					}
					if ed.Node.Intervention != nil {
						s.Cause = ed.Node.Intervention.ID
					}
					if ed.Node.User == nil || ed.Node.User.Email == "" {
						t.Errorf("%s: a stop without its author", step)
					}
					got = append(got, s)
				}
				if v.Node.Statut != statut || v.Node.Arrets.TotalCount != len(want) {
					t.Errorf("%s: statut %s, %d stops; want %s, %d", step, v.Node.Statut, v.Node.Arrets.TotalCount, statut, len(want))
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s: stops (-want +got):\n%s", step, diff)
				}
			}
			create := func(api interface {
				MustData(string, map[string]any, any)
			}, in map[string]any) string {
				t.Helper()
				in["equipementID"] = eqID
				var c struct{ CreateIntervention struct{ ID string } }
				api.MustData(arretCreate, map[string]any{"in": in}, &c)
				// Its report, which closing it will need.
				id, _ := strconv.Atoi(c.CreateIntervention.ID)
				e.Client.Intervention.UpdateOneID(id).SetRapport("Réparé.").ExecX(e.Sys)
				return c.CreateIntervention.ID
			}
			now := func() time.Time { return e.Clock.Now().UTC().Truncate(time.Microsecond) }
			// The instants the server records are read back; with the real clock, a stop's start
			// is only known to lie between the instants before and after the request.
			exact := func(i int, field string, before, after time.Time) {
				t.Helper()
				var v arretView
				resp.MustData(arretRead, map[string]any{"id": eqID}, &v)
				n := v.Node.Arrets.Edges[i].Node
				at := n.Debut
				if field == "fin" {
					if n.Fin == nil {
						t.Fatalf("stop %d still runs", i)
					}
					at = *n.Fin
				}
				if at.Before(before.Add(-time.Millisecond)) || at.After(after.Add(time.Millisecond)) {
					t.Fatalf("stop %d %s at %s, not within [%s, %s]", i, field, at, before, after)
				}
				if field == "fin" {
					want[i].Fin = at.UTC()
				} else {
					want[i].Debut = at.UTC()
				}
			}

			// Preventive work and work that does not declare a stop leave the equipment alone.
			create(resp, map[string]any{"titre": "Graissage", "type": "PREVENTIVE", "arretEquipement": true})
			create(resp, map[string]any{"titre": "Bruit"})
			check("no stop", "OPERATIONNEL")

			// A client reports a breakdown that stops his machine.
			b1 := now()
			first := create(client, map[string]any{"titre": "Arrêt ligne", "arretEquipement": true})
			want = append(want, stop{Cause: first})
			exact(0, "debut", b1, now())
			check("first breakdown", "PANNE")

			// A second job on the same stop: still one stop, caused by the first.
			e.Clock.Advance(2 * time.Minute)
			second := create(resp, map[string]any{"titre": "Moteur", "arretEquipement": true})
			check("second job", "PANNE")

			// The first closes: the second still keeps the machine stopped.
			e.Clock.Advance(2 * time.Minute)
			resp.MustData(arretAssign, map[string]any{"id": first, "t": e.tech.ID}, &struct{}{})
			for _, s := range []string{"EN_COURS", "CLOTUREE"} {
				resp.MustData(changeStatut, map[string]any{"id": first, "s": s}, &struct{}{})
			}
			check("first closed", "PANNE")

			// The second is cancelled: the stop ends, the machine runs again.
			e.Clock.Advance(2 * time.Minute)
			b2 := now()
			resp.MustData(changeStatut, map[string]any{"id": second, "s": "ANNULEE"}, &struct{}{})
			exact(0, "fin", b2, now())
			check("last job cancelled", "OPERATIONNEL")

			// Declaring the stop on open work opens one; dropping it ends it.
			e.Clock.Advance(2 * time.Minute)
			third := create(resp, map[string]any{"titre": "Fuite"})
			b3 := now()
			resp.MustData(arretUpdate, map[string]any{"id": third, "in": map[string]any{"arretEquipement": true}}, &struct{}{})
			want = append(want, stop{Cause: third})
			exact(1, "debut", b3, now())
			check("declared on update", "PANNE")
			// The technician on it may not declare or withdraw it.
			resp.MustData(arretAssign, map[string]any{"id": third, "t": e.tech.ID}, &struct{}{})
			if err := e.As(t, e.techUser).MustFail(arretUpdate, map[string]any{"id": third, "in": map[string]any{"arretEquipement": false}}); err.Code() != string(domain.CodeForbidden) {
				t.Errorf("a technician withdraws the stop: %s", err.Code())
			}
			e.Clock.Advance(time.Minute)
			b4 := now()
			resp.MustData(arretUpdate, map[string]any{"id": third, "in": map[string]any{"arretEquipement": false}}, &struct{}{})
			exact(1, "fin", b4, now())
			check("withdrawn", "OPERATIONNEL")

			// Staff set the statut by hand: a stop without cause, ended by hand too.
			e.Clock.Advance(2 * time.Minute)
			b5 := now()
			resp.MustData(arretEquip, map[string]any{"id": eqID, "s": "PANNE"}, &struct{}{})
			want = append(want, stop{})
			exact(2, "debut", b5, now())
			check("PANNE by hand", "PANNE")
			// Open work declaring the stop joins the running stop.
			fourth := create(resp, map[string]any{"titre": "Courroie", "arretEquipement": true})
			check("work on a stopped machine", "PANNE")
			e.Clock.Advance(2 * time.Minute)
			b6 := now()
			resp.MustData(arretEquip, map[string]any{"id": eqID, "s": "OPERATIONNEL"}, &struct{}{})
			exact(2, "fin", b6, now())
			check("running again by hand", "OPERATIONNEL")
			// Cancelling that work later changes nothing more.
			resp.MustData(changeStatut, map[string]any{"id": fourth, "s": "ANNULEE"}, &struct{}{})
			check("work cancelled after", "OPERATIONNEL")

			// Created broken down: its stop runs from its creation, and the machine, which has a
			// recorded stop, can no longer be deleted.
			var created struct{ CreateEquipement struct{ ID string } }
			resp.MustData(`mutation { createEquipement(input: {nom: "Presse", code: "EQ-P", statut: PANNE}) { id } }`, nil, &created)
			var v arretView
			resp.MustData(arretRead, map[string]any{"id": created.CreateEquipement.ID}, &v)
			if v.Node.Statut != "PANNE" || v.Node.Arrets.TotalCount != 1 || v.Node.Arrets.Edges[0].Node.Fin != nil {
				t.Errorf("created PANNE: %+v", v.Node)
			}
			if err := resp.MustFail(`mutation($id: ID!) { deleteEquipement(id: $id) }`, map[string]any{"id": created.CreateEquipement.ID}); err.Code() != string(domain.CodeConflict) {
				t.Errorf("deleting an equipment with stops: %s", err.Code())
			}
		})
	}
}
