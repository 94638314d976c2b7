package report

import (
	"strconv"

	"github.com/mifmaroc/erp/internal/domain"
)

// French labels of the enumerations, as the users say them.
var (
	statutLabel = map[domain.InterventionStatut]string{
		domain.StatutOuverte: "Ouverte", domain.StatutAffectee: "Affectée", domain.StatutEnCours: "En cours",
		domain.StatutEnAttente: "En attente", domain.StatutCloturee: "Clôturée", domain.StatutAnnulee: "Annulée",
		domain.StatutArchivee: "Archivée",
	}
	typeLabel = map[domain.InterventionType]string{
		domain.TypeCorrective: "Corrective", domain.TypePreventive: "Préventive",
		domain.TypeAmeliorative: "Améliorative", domain.TypeDiagnostic: "Diagnostic",
	}
	prioriteLabel = map[domain.Priorite]string{
		domain.PrioriteUrgente: "Urgente", domain.PrioriteHaute: "Haute", domain.PrioriteNormale: "Normale",
		domain.PrioriteBasse: "Basse", domain.PrioriteProgrammee: "Programmée",
	}
	criticiteLabel = map[domain.Criticite]string{
		domain.CriticiteCritique: "Critique", domain.CriticiteImportant: "Important",
		domain.CriticiteStandard: "Standard", domain.CriticiteNonCritique: "Non critique",
	}
	moisCourt = [...]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août",
		"sept.", "oct.", "nov.", "déc."}
	moisLabel = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
		"septembre", "octobre", "novembre", "décembre"}
)

// label is the French label of v in labels, or v itself for a value without one.
func label[K ~string](labels map[K]string, v K) string {
	if l, ok := labels[v]; ok {
		return l
	}
	return orDash(string(v))
}

// yesNo is "Oui" or "Non".
func yesNo(b bool) string {
	if b {
		return "Oui"
	}
	return "Non"
}

// itoa is strconv.Itoa, for brevity in tables.
func itoa(i int) string { return strconv.Itoa(i) }
