package graph_test

import (
	"testing"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
)

// demande writes a work request by u on eq, as soumettreDemande would (with u's company for
// a client).
func (w *world) demande(t *testing.T, titre string, u *ent.User, eq *ent.Equipement) *ent.DemandeIntervention {
	t.Helper()
	c := w.env.Client.DemandeIntervention.Create().SetTitre(titre).SetDescription(titre).SetDemandeur(u).SetEquipement(eq)
	if soc := w.env.Client.User.GetX(w.env.Sys, u.ID).SocieteID; u.Role == domain.RoleClient && soc != nil {
		c.SetSocieteID(*soc)
	}
	return c.SaveX(w.env.Sys)
}

// TestDemandeNonInterference is TestNonInterference for work requests: the questions of the
// connections that reach them (demandesIntervention and the filters through its edges),
// asked before and after requests a viewer may not read appear, are triaged and change: those
// of another company, of technicians and of staff for a client; everyone else's for a
// technician.
func TestDemandeNonInterference(t *testing.T) {
	probes := probesThrough(t, "emande")
	companyB := func(t *testing.T, w *world) {
		d := w.demande(t, "Panne "+marker, w.clientB, w.eqB)
		w.env.Client.DemandeIntervention.UpdateOne(d).SetStatut(domain.DemandeRejetee).SetMotifRejet(marker).
			SetTraiteParID(w.responsable.ID).ExecX(w.env.Sys)
		w.demande(t, "Fuite "+marker, w.clientB, w.eqA)
	}
	staff := func(t *testing.T, w *world) {
		d := w.demande(t, "Contrôle "+marker, w.responsable, w.eqA)
		w.env.Client.DemandeIntervention.UpdateOne(d).SetStatut(domain.DemandeDoublon).SetDoublonDe(w.ivA).ExecX(w.env.Sys)
	}
	technicians := func(t *testing.T, w *world) {
		w.demande(t, "Bruit "+marker, w.techUserB, w.eqA)
	}
	otherTechnicianA := func(t *testing.T, w *world) {
		d := w.demande(t, "Odeur "+marker, w.techUserA, w.eqA)
		w.env.Client.DemandeIntervention.UpdateOne(d).SetStatut(domain.DemandeApprouvee).SetIntervention(w.ivA).ExecX(w.env.Sys)
	}
	clientA := func(t *testing.T, w *world) {
		w.demande(t, "Chauffe "+marker, w.clientA, w.eqA)
	}
	cases := []struct {
		role    domain.Role
		viewer  func(*world) *ent.User
		perturb []func(*testing.T, *world)
	}{
		{domain.RoleClient, func(w *world) *ent.User { return w.clientA },
			[]func(*testing.T, *world){companyB, staff, technicians, otherTechnicianA}},
		{domain.RoleTechnicien, func(w *world) *ent.User { return w.techUserB },
			[]func(*testing.T, *world){companyB, staff, otherTechnicianA, clientA}},
	}
	for _, tc := range cases {
		t.Run(string(tc.role), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			// What each viewer reads from the start: his own request.
			w.demande(t, "Vibration A", w.clientA, w.eqA)
			w.demande(t, "Vibration B", w.techUserB, w.eqB)
			requireUnseen(t, w, tc.viewer(w), probes, "requests", func() {
				for _, p := range tc.perturb {
					p(t, w)
				}
			})
		})
	}
}
