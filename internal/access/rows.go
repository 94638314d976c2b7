package access

import (
	entsql "entgo.io/ent/dialect/sql"

	"context"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/contrat"
	"github.com/mifmaroc/erp/ent/document"
	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/ent/historiqueintervention"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/interventionpiece"
	"github.com/mifmaroc/erp/ent/notification"
	"github.com/mifmaroc/erp/ent/piece"
	"github.com/mifmaroc/erp/ent/predicate"
	"github.com/mifmaroc/erp/ent/privacy"
	"github.com/mifmaroc/erp/ent/societe"
	"github.com/mifmaroc/erp/ent/technicien"
	"github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Interventions is the heart of the matrix: a technician sees those assigned to him, a
// client those of his company and those he asked for. Everything else a non-staff viewer
// sees follows from it.
func Interventions(v *viewer.Viewer) predicate.Intervention {
	switch v.Role {
	case domain.RoleTechnicien:
		if v.TechnicienID == 0 {
			return none[predicate.Intervention]()
		}
		return intervention.TechnicienID(v.TechnicienID)
	case domain.RoleClient:
		mine := intervention.DemandeurID(v.UserID)
		if v.SocieteID != 0 {
			return intervention.Or(mine, intervention.ClientID(v.SocieteID))
		}
		return mine
	default:
		return none[predicate.Intervention]()
	}
}

// Read rules, one per entity.
var (
	InterventionRows = Rows[predicate.Intervention, *ent.InterventionQuery](Interventions)

	HistoriqueRows = Rows[predicate.HistoriqueIntervention, *ent.HistoriqueInterventionQuery](
		func(v *viewer.Viewer) predicate.HistoriqueIntervention {
			return historiqueintervention.HasInterventionWith(Interventions(v))
		})

	DocumentRows = Rows[predicate.Document, *ent.DocumentQuery](
		func(v *viewer.Viewer) predicate.Document { return document.HasInterventionWith(Interventions(v)) })

	InterventionPieceRows = Rows[predicate.InterventionPiece, *ent.InterventionPieceQuery](
		func(v *viewer.Viewer) predicate.InterventionPiece {
			return interventionpiece.HasInterventionWith(Interventions(v))
		})

	// Users: oneself, and the people around one's interventions (the technician on them,
	// whoever asked for them or wrote their history).
	UserRows = Rows[predicate.User, *ent.UserQuery](func(v *viewer.Viewer) predicate.User {
		iv := Interventions(v)
		return user.Or(
			user.ID(v.UserID),
			user.HasTechnicienWith(technicien.HasInterventionsWith(iv)),
			user.HasInterventionsDemandeesWith(iv),
			user.HasHistoriquesWith(historiqueintervention.HasInterventionWith(iv)),
		)
	})

	TechnicienRows = Rows[predicate.Technicien, *ent.TechnicienQuery](func(v *viewer.Viewer) predicate.Technicien {
		return technicien.Or(technicien.UserID(v.UserID), technicien.HasInterventionsWith(Interventions(v)))
	})

	// Equipment: technicians read it all (SPEC.md); a client, his company's and that of
	// his interventions.
	EquipementRows = Rows[predicate.Equipement, *ent.EquipementQuery](func(v *viewer.Viewer) predicate.Equipement {
		if v.Is(domain.RoleTechnicien) {
			return func(*entsql.Selector) {}
		}
		p := equipement.HasInterventionsWith(Interventions(v))
		if v.SocieteID != 0 {
			return equipement.Or(p, equipement.ClientID(v.SocieteID))
		}
		return p
	})

	// Parts: technicians use them all; a client sees those used on his interventions.
	PieceRows = Rows[predicate.Piece, *ent.PieceQuery](func(v *viewer.Viewer) predicate.Piece {
		if v.Is(domain.RoleTechnicien) {
			return func(*entsql.Selector) {}
		}
		return piece.HasInterventionsWith(Interventions(v))
	})

	SocieteRows = Rows[predicate.Societe, *ent.SocieteQuery](func(v *viewer.Viewer) predicate.Societe {
		return societe.Or(societe.ID(v.SocieteID), societe.HasInterventionsWith(Interventions(v)))
	})

	ContratRows = Rows[predicate.Contrat, *ent.ContratQuery](func(v *viewer.Viewer) predicate.Contrat {
		if v.SocieteID == 0 {
			return none[predicate.Contrat]()
		}
		return contrat.ClientID(v.SocieteID)
	})

	// Plannings are staff work.
	PlanningRows = Rows[predicate.Planning, *ent.PlanningQuery](func(*viewer.Viewer) predicate.Planning {
		return none[predicate.Planning]()
	})

	// StaffOnlyRows: staff read every row, other roles none (scheduler runs).
	StaffOnlyRows = privacy.QueryRuleFunc(func(ctx context.Context, _ ent.Query) error {
		if viewer.FromContext(ctx).Staff() {
			return privacy.Allow
		}
		return privacy.Denyf("reserved to ADMIN and RESPONSABLE")
	})

	// Notifications are personal: everyone reads his own; only ADMIN reads all.
	NotificationRows = privacy.NotificationQueryRuleFunc(func(ctx context.Context, q *ent.NotificationQuery) error {
		v := viewer.FromContext(ctx)
		if !v.Is(domain.RoleAdmin) {
			q.Where(notification.UserID(v.UserID))
		}
		return privacy.Allow
	})
)

// Write rules beyond the staff default.
var (
	// SystemWrite: only the server itself writes (the allowSystem rule runs first).
	SystemWrite = privacy.MutationRuleFunc(func(context.Context, ent.Mutation) error {
		return privacy.Denyf("written by the server only")
	})

	// UserWrite: a user other than ADMIN changes only his own account, never its role or
	// activity (updateMe, changePassword).
	UserWrite = privacy.UserMutationRuleFunc(func(ctx context.Context, m *ent.UserMutation) error {
		v := viewer.FromContext(ctx)
		id, ok := m.ID()
		_, roleSet := m.Role()
		_, activeSet := m.IsActive()
		if ok && m.Op().Is(ent.OpUpdateOne) && id == v.UserID && !roleSet && !activeSet {
			return privacy.Allow
		}
		return privacy.Denyf("only ADMIN manages other users' accounts")
	})
)

// SeesIntervention is Interventions evaluated in Go, for live events that carry the ids the
// rule needs (no query per event). It must say what Interventions says; a test holds them
// together.
func SeesIntervention(v *viewer.Viewer, technicienID, clientID, demandeurID *int) bool {
	switch {
	case v == nil:
		return false
	case v.Staff():
		return true
	case v.Role == domain.RoleTechnicien:
		return v.TechnicienID != 0 && technicienID != nil && *technicienID == v.TechnicienID
	case v.Role == domain.RoleClient:
		return (demandeurID != nil && *demandeurID == v.UserID) ||
			(v.SocieteID != 0 && clientID != nil && *clientID == v.SocieteID)
	default:
		return false
	}
}
