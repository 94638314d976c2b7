package planning_test

import (
	"context"
	"sync"
	"testing"

	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/internal/planning"
)

func TestSeuils(t *testing.T) {
	tests := []struct {
		name                   string
		usage, step, seuil     float64
		wantPremier, wantApres float64
	}{
		{"FromZero", 0, 500, 500, 500, 500},
		{"OnAThreshold", 500, 500, 500, 1000, 1000},
		{"Between", 730, 500, 500, 1000, 1000},
		{"SeveralCrossedMakeOne", 1730, 500, 500, 2000, 2000},
		{"NotReached", 430, 500, 500, 500, 500},
		{"Fractional", 2.5, 0.75, 2.25, 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := planning.PremierSeuil(tt.usage, tt.step); got != tt.wantPremier {
				t.Errorf("PremierSeuil(%v, %v) = %v, want %v", tt.usage, tt.step, got, tt.wantPremier)
			}
			if got := planning.SeuilSuivant(tt.seuil, tt.step, tt.usage); got != tt.wantApres {
				t.Errorf("SeuilSuivant(%v, %v, %v) = %v, want %v", tt.seuil, tt.step, tt.usage, got, tt.wantApres)
			}
		})
	}
}

// TestCompteurReplicas: two replicas told of the same reading at once, and their scheduler
// runs, create one intervention for the threshold it reached.
func TestCompteurReplicas(t *testing.T) {
	now := at(2028, 2, 29, 10)
	e := newSchedEnv(t, now)
	other := e.Replica(t)
	c := e.Client.Compteur.Create().SetNom("Heures").SetUnite("HEURES").SetEquipement(e.eq).SaveX(e.Sys)
	for i, v := range []float64{0, 520} {
		e.Client.ReleveCompteur.Create().SetCompteur(c).SetValeur(v).SetDateReleve(now.AddDate(0, 0, i-2)).SaveX(e.Sys)
	}
	p := e.Client.Planning.Create().SetTitre("Vidange").SetFrequence("MENSUEL").SetProchaineDate(now).
		SetEquipement(e.eq).SetCompteur(c).SetIntervalleCompteur(500).SetProchainSeuil(500).
		SetDeclencheur("COMPTEUR").SaveX(e.Sys)
	var wg sync.WaitGroup
	for _, r := range []*planning.Runner{e.Deps.Scheduler, other.Deps.Scheduler} {
		wg.Add(2)
		go func() { defer wg.Done(); r.DeclencherCompteur(context.Background(), c.ID) }()
		go func() { defer wg.Done(); _, _ = r.Run(context.Background(), "MANUEL") }()
	}
	wg.Wait()
	ivs := e.Client.Intervention.Query().Where(intervention.PlanningID(p.ID)).AllX(e.Sys)
	if len(ivs) != 1 || !ivs[0].DateEcheance.Equal(now.AddDate(0, 0, -1)) {
		t.Fatalf("%d interventions (%v), want 1 on the reading that reached 500", len(ivs), ivs)
	}
	if got := e.Client.Planning.GetX(e.Sys, p.ID); got.ProchainSeuil == nil || *got.ProchainSeuil != 1000 {
		t.Errorf("prochainSeuil = %v, want 1000", got.ProchainSeuil)
	}
}
