package notify

import (
	"strconv"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/i18n"
	"github.com/mifmaroc/erp/internal/localtime"
)

// mailIntervention is what an email in language l says of iv, its dates in zone.
func mailIntervention(iv *ent.Intervention, zone localtime.Zone, l i18n.Lang) *MailIntervention {
	m := &MailIntervention{ID: iv.ID, Titre: iv.Titre, Statut: string(iv.Statut), Priorite: string(iv.Priorite)}
	if e := iv.Edges.Equipement; e != nil {
		m.Equipement = e.Nom + " (" + e.Code + ")"
	}
	if iv.DateLimite != nil {
		m.DateLimite = zone.At(*iv.DateLimite).Localize(l)
	}
	return m
}

// Ref is how a message names an intervention.
func Ref(iv *ent.Intervention) string { return "#" + strconv.Itoa(iv.ID) + " « " + iv.Titre + " »" }
