package domain

import "slices"

// Ranked is a value of an enumeration with a business order, which lists sort by instead of
// the alphabet: URGENTE above HAUTE, OUVERTE before CLOTUREE.
type Ranked interface {
	// Rank is the value's place in its enumeration's business order, from 1 for the lowest
	// up: sorted ascending, priorities go from PROGRAMMEE to URGENTE and statuses from
	// OUVERTE to ARCHIVEE. 0 for a value outside the enumeration.
	Rank() int
}

// direction says which way an enumeration's declared order (enumValues) goes.
type direction int

const (
	upward   direction = iota // the first value is the lowest: a life cycle, a level, a period
	downward                  // the first value is the highest: from the most pressing down
)

// ranked lists the enumerations with a business order: the one place that order is kept,
// from the order the values are declared in. Those left out (Role, InterventionType,
// Disponibilite, NotificationType, Canal, StatutEnvoi, TypeMouvement) have none: their values
// are kinds, or outcomes, not steps of a scale, and they sort alphabetically.
var ranked = map[string]direction{
	"InterventionStatut": upward,   // the life cycle: OUVERTE, AFFECTEE, … CLOTUREE, ANNULEE, ARCHIVEE
	"Priorite":           downward, // URGENTE > HAUTE > NORMALE > BASSE > PROGRAMMEE
	"Criticite":          downward, // CRITIQUE > IMPORTANT > STANDARD > NON_CRITIQUE
	"EquipementStatut":   upward,   // OPERATIONNEL, MAINTENANCE, PANNE, RETIRE: from in service to out of it
	"NiveauCompetence":   upward,   // DEBUTANT < INTERMEDIAIRE < AVANCE < EXPERT
	"Frequence":          upward,   // by the length of the period: JOURNALIER < … < ANNUEL
	"PlanningStatut":     upward,   // ACTIF, SUSPENDU, TERMINE
}

// HasRank reports whether the enumeration of that name (its Go and GraphQL type name) has a
// business order: the API sorts its fields by their rank, and the cursors of those orderings
// hold the rank, a number.
func HasRank(name string) bool {
	_, ok := ranked[name]
	return ok
}

func rank(name, v string) int {
	values := enumValues[name]
	i := slices.Index(values, v)
	switch {
	case i < 0:
		return 0
	case ranked[name] == downward:
		return len(values) - i
	default:
		return i + 1
	}
}

// Rank places the status in the life cycle.
func (v InterventionStatut) Rank() int { return rank("InterventionStatut", string(v)) }

// Rank places the priority: URGENTE is the highest.
func (v Priorite) Rank() int { return rank("Priorite", string(v)) }

// Rank places the criticality: CRITIQUE is the highest.
func (v Criticite) Rank() int { return rank("Criticite", string(v)) }

// Rank places the equipment's state, from in service to retired.
func (v EquipementStatut) Rank() int { return rank("EquipementStatut", string(v)) }

// Rank places the level: EXPERT is the highest.
func (v NiveauCompetence) Rank() int { return rank("NiveauCompetence", string(v)) }

// Rank places the frequency by the length of its period: ANNUEL is the longest.
func (v Frequence) Rank() int { return rank("Frequence", string(v)) }

// Rank places the planning's state in its life cycle.
func (v PlanningStatut) Rank() int { return rank("PlanningStatut", string(v)) }
