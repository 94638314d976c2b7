package notify

import (
	"strconv"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/localtime"
)

// mailIntervention is what an email says of iv, its dates in zone.
func mailIntervention(iv *ent.Intervention, zone localtime.Zone) *MailIntervention {
	m := &MailIntervention{ID: iv.ID, Titre: iv.Titre, Statut: string(iv.Statut), Priorite: string(iv.Priorite)}
	if e := iv.Edges.Equipement; e != nil {
		m.Equipement = e.Nom + " (" + e.Code + ")"
	}
	if iv.DateLimite != nil {
		m.DateLimite = zone.DateTime(*iv.DateLimite)
	}
	return m
}

// Ref is how a message names an intervention.
func Ref(iv *ent.Intervention) string { return "#" + strconv.Itoa(iv.ID) + " « " + iv.Titre + " »" }
