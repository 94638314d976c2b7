package notify

import (
	"strconv"

	"github.com/mifmaroc/erp/ent"
)

func mailIntervention(iv *ent.Intervention) *MailIntervention {
	m := &MailIntervention{ID: iv.ID, Titre: iv.Titre, Statut: string(iv.Statut), Priorite: string(iv.Priorite)}
	if e := iv.Edges.Equipement; e != nil {
		m.Equipement = e.Nom + " (" + e.Code + ")"
	}
	if iv.DateLimite != nil {
		m.DateLimite = iv.DateLimite.Format("02/01/2006 15:04")
	}
	return m
}

// Ref is how a message names an intervention.
func Ref(iv *ent.Intervention) string { return "#" + strconv.Itoa(iv.ID) + " « " + iv.Titre + " »" }
