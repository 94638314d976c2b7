// Package intervention holds the rules of a work order as plain Go: the state machine and
// who may move it, and the KPIs computed from its history, dates and parts. The service in
// service.go applies them to the database, each change in one transaction with its history
// line.
package intervention

import (
	"slices"

	"github.com/mifmaroc/erp/internal/domain"
)

// moves is the state machine of SPEC.md.
var moves = map[domain.InterventionStatut][]domain.InterventionStatut{
	domain.StatutOuverte:   {domain.StatutAffectee, domain.StatutAnnulee},
	domain.StatutAffectee:  {domain.StatutEnCours, domain.StatutOuverte, domain.StatutAnnulee},
	domain.StatutEnCours:   {domain.StatutEnAttente, domain.StatutCloturee, domain.StatutAnnulee},
	domain.StatutEnAttente: {domain.StatutEnCours, domain.StatutAnnulee},
	domain.StatutCloturee:  {domain.StatutArchivee},
}

// technicianMoves are the moves a technician may make on an intervention assigned to him:
// the work itself, not its planning (assigning, cancelling, archiving stay with staff).
var technicianMoves = map[domain.InterventionStatut][]domain.InterventionStatut{
	domain.StatutAffectee:  {domain.StatutEnCours},
	domain.StatutEnCours:   {domain.StatutEnAttente, domain.StatutCloturee},
	domain.StatutEnAttente: {domain.StatutEnCours},
}

// CanMove reports whether the state machine allows from → to.
func CanMove(from, to domain.InterventionStatut) bool {
	return slices.Contains(moves[from], to)
}

// Locked reports whether the intervention's fields are frozen: once CLOTUREE nothing changes
// but the move to ARCHIVEE; ARCHIVEE and ANNULEE are terminal.
func Locked(s domain.InterventionStatut) bool {
	return s == domain.StatutCloturee || s == domain.StatutArchivee || s == domain.StatutAnnulee
}

// Terminal reports whether no move leaves s.
func Terminal(s domain.InterventionStatut) bool { return len(moves[s]) == 0 }

// Actor is who asks for a move.
type Actor struct {
	Role domain.Role
	// Assigned is true when the actor is the technician the intervention is assigned to.
	Assigned bool
}

// MovesFor lists the moves actor may make from s, in the order of the state machine.
func MovesFor(a Actor, s domain.InterventionStatut) []domain.InterventionStatut {
	switch {
	case a.Role == domain.RoleAdmin || a.Role == domain.RoleResponsable:
		return slices.Clone(moves[s])
	case a.Role == domain.RoleTechnicien && a.Assigned:
		return slices.Clone(technicianMoves[s])
	default:
		return nil
	}
}

// CheckMove says whether actor may move an intervention from → to: nil, INVALID_TRANSITION
// when the state machine forbids it, FORBIDDEN when the machine allows it but not for this
// actor.
func CheckMove(a Actor, from, to domain.InterventionStatut) error {
	if !CanMove(from, to) {
		if from == to {
			return domain.Errorf(domain.CodeInvalidTransition, "the intervention is already %s", to)
		}
		if to == domain.StatutArchivee {
			return domain.Errorf(domain.CodeInvalidTransition, "only a CLOTUREE intervention can be archived (it is %s)", from)
		}
		return domain.Errorf(domain.CodeInvalidTransition, "%s → %s is not a valid move; from %s: %s", from, to, from, list(moves[from]))
	}
	if !slices.Contains(MovesFor(a, from), to) {
		return domain.Errorf(domain.CodeForbidden, "your role may not move an intervention from %s to %s", from, to)
	}
	return nil
}

func list(ss []domain.InterventionStatut) string {
	if len(ss) == 0 {
		return "none (terminal)"
	}
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += ", "
		}
		out += string(s)
	}
	return out
}
