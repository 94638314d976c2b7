package seed_test

import (
	"testing"

	"github.com/mifmaroc/erp/internal/domain"
)

// Seeded requests cover the statuses a triage leaves without new work, each consistent
// (who triaged it, why, of what it is a duplicate), and a client's are on his company's
// equipment.
func TestSeededRequests(t *testing.T) {
	c, ctx := seeded(t)
	ds := c.DemandeIntervention.Query().WithEquipement().WithDemandeur().AllX(ctx)
	if len(ds) == 0 {
		t.Fatal("no work request seeded")
	}
	statuts := map[domain.StatutDemande]int{}
	for _, d := range ds {
		statuts[d.Statut]++
		if (d.Statut == domain.DemandeNouvelle) != (d.TraiteParID == nil) {
			t.Errorf("request %d is %s, triaged by %v", d.ID, d.Statut, d.TraiteParID)
		}
		if (d.Statut == domain.DemandeRejetee) != (d.MotifRejet != nil) || (d.Statut == domain.DemandeDoublon) != (d.DoublonDeID != nil) {
			t.Errorf("request %d is %s with motif %v, duplicate of %v", d.ID, d.Statut, d.MotifRejet, d.DoublonDeID)
		}
		if d.Edges.Demandeur.Role == domain.RoleClient {
			if eq := d.Edges.Equipement; d.SocieteID == nil || eq.ClientID == nil || *eq.ClientID != *d.SocieteID {
				t.Errorf("client request %d on equipement %d of client %v, company %v", d.ID, eq.ID, eq.ClientID, d.SocieteID)
			}
		}
	}
	for _, s := range []domain.StatutDemande{domain.DemandeNouvelle, domain.DemandeRejetee, domain.DemandeDoublon} {
		if statuts[s] == 0 {
			t.Errorf("no %s request seeded (%v)", s, statuts)
		}
	}
}
