package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
)

// contracts gives most client companies a maintenance contract covering their equipment:
// every fifth company has none, and every third contract sets its own SLA hours for the
// urgent priorities. It draws no random numbers, so the rest of the dataset is the same with
// or without it. It returns the contract covering each equipment, by equipment id.
func contracts(ctx context.Context, client *ent.Client, societes []*ent.Societe, equipements []*ent.Equipement, now time.Time) (map[int]int, error) {
	own := map[int][]int{}
	for _, e := range equipements {
		if e.ClientID != nil {
			own[*e.ClientID] = append(own[*e.ClientID], e.ID)
		}
	}
	debut := time.Date(now.Year()-2, time.January, 1, 0, 0, 0, 0, time.UTC)
	fin := time.Date(now.Year()+1, time.December, 31, 23, 59, 59, 0, time.UTC)
	var under []*ent.Societe
	for i, s := range societes {
		if i%5 != 4 {
			under = append(under, s)
		}
	}
	rows, err := bulk(ctx, len(under), func(i int) *ent.ContratCreate {
		s := under[i]
		c := client.Contrat.Create().SetReference(fmt.Sprintf("CT-%04d", i+1)).SetClientID(s.ID).
			SetObjet("Maintenance préventive et corrective : " + s.Nom).
			SetDateDebut(debut).SetDateFin(fin).SetStatut(domain.ContratActif).
			SetMontantAnnuelCentimes(int64(12_000_000 + 250_000*i)).
			AddEquipementIDs(own[s.ID]...)
		if i%3 == 0 {
			c.SetSLAUrgenteHeures(1).SetSLAHauteHeures(8).SetSLANormaleHeures(48)
		}
		return c
	}, client.Contrat.CreateBulk)
	if err != nil {
		return nil, fmt.Errorf("contracts: %w", err)
	}
	covering := map[int]int{}
	for _, c := range rows {
		for _, e := range own[c.ClientID] {
			covering[e] = c.ID
		}
	}
	return covering, nil
}
