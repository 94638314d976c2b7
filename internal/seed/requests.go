package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/internal/domain"
)

// demandes writes work requests in every triage status: each client account's on his
// company's equipment, and some of the technicians' on any. They draw from a generator of
// their own, so that the rest of the dataset stays what it was before requests existed.
func demandes(ctx context.Context, client *ent.Client, s Size, clientUsers, techUsers []*ent.User, societes []*ent.Societe,
	equipements []*ent.Equipement, staff int, now time.Time) (int, error) {
	rng := rand.New(rand.NewPCG(44, uint64(len(s.Name))))
	ivs, err := client.Intervention.Query().Order(ent.Asc(intervention.FieldID)).Limit(100).IDs(ctx)
	if err != nil || len(ivs) == 0 {
		return 0, err
	}
	owned := map[int][]*ent.Equipement{}
	for _, e := range equipements {
		if e.ClientID != nil {
			owned[*e.ClientID] = append(owned[*e.ClientID], e)
		}
	}
	problems := []string{"Fuite", "Bruit anormal", "Ne démarre plus", "Odeur de brûlé", "Alarme"}
	statuts := domain.StatutDemande("").Values()
	prios := domain.Priorite("").Values()
	var creates []*ent.DemandeInterventionCreate
	add := func(by int, soc *int, eq *ent.Equipement) {
		k := len(creates)
		st := domain.StatutDemande(statuts[rng.IntN(len(statuts))])
		if st == domain.DemandeApprouvee {
			st = domain.DemandeNouvelle // an approval opens work: the seed's work is already there
		}
		at := now.Add(-time.Duration(1+rng.IntN(30*24)) * time.Hour)
		c := client.DemandeIntervention.Create().
			SetTitre(fmt.Sprintf("%s sur %s", problems[k%len(problems)], eq.Nom)).
			SetDescription(fmt.Sprintf("Constaté sur %s, %s.", eq.Nom, eq.Localisation)).
			SetUrgenceSuggeree(domain.Priorite(prios[rng.IntN(len(prios))])).
			SetEquipementID(eq.ID).SetDemandeurID(by).SetNillableSocieteID(soc).SetCreatedAt(at).SetUpdatedAt(at).
			SetStatut(st)
		if st != domain.DemandeNouvelle {
			c.SetTraiteParID(staff).SetDateTraitement(at.Add(2 * time.Hour))
		}
		switch st {
		case domain.DemandeRejetee:
			c.SetMotifRejet("Fonctionnement normal de l'équipement.")
		case domain.DemandeDoublon:
			c.SetDoublonDeID(ivs[rng.IntN(len(ivs))])
		}
		creates = append(creates, c)
	}
	for i, u := range clientUsers {
		soc := societes[i].ID
		eqs := owned[soc]
		for j := 0; j < 4 && len(eqs) > 0; j++ {
			add(u.ID, &soc, eqs[rng.IntN(len(eqs))])
		}
	}
	for i, u := range techUsers {
		if i%3 == 0 {
			add(u.ID, nil, equipements[rng.IntN(len(equipements))])
		}
	}
	return len(creates), insertAll(ctx, creates, client.DemandeIntervention.CreateBulk)
}
