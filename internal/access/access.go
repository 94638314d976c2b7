// Package access is the one place where the role matrix of SPEC.md is enforced on rows. Every
// entity's ent Policy comes from here, so that a list, a nested edge, a count and node(id:)
// all see the same rows: ADMIN and RESPONSABLE see all maintenance data (a RESPONSABLE
// scoped to sites, what sits under them: viewer.Scoped); a TECHNICIEN sees
// the interventions assigned to him and what hangs from them; a CLIENT sees his own requests
// and what hangs from them. A request without a viewer sees nothing, except when the server
// acts for itself (viewer.SystemContext).
package access

import (
	"context"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/predicate"
	"github.com/mifmaroc/erp/ent/privacy"
	"github.com/mifmaroc/erp/internal/viewer"
	"github.com/mifmaroc/erp/internal/visibility"
)

// ErrNoViewer is the denial of a request that carries no authenticated user.
var ErrNoViewer = privacy.Denyf("authentication required")

// Policy builds an entity's policy: the server itself passes, anonymous requests are denied,
// then read decides which rows each role sees. Who may write is the domain services' to
// decide, each for its own entities (viewer.Require and the rules of internal/intervention):
// a write needs a viewer, and write, when not nil, a further rule of the data itself.
func Policy(read privacy.QueryRule, write privacy.MutationRule) ent.Policy {
	if write == nil {
		write = privacy.AlwaysAllowRule()
	}
	return privacy.Policy{
		Query:    privacy.QueryPolicy{allowSystem, denyAnonymous, read},
		Mutation: privacy.MutationPolicy{allowSystem, denyAnonymous, write},
	}
}

var (
	allowSystem = privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if viewer.IsSystem(ctx) {
			return privacy.Allow
		}
		return privacy.Skip
	})
	denyAnonymous = privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if viewer.FromContext(ctx) == nil {
			return ErrNoViewer
		}
		return privacy.Skip
	})
	// SystemOnly is the policy of rows only the server itself touches (refresh tokens).
	SystemOnly = privacy.Policy{
		Query:    privacy.QueryPolicy{allowSystem, privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{allowSystem, privacy.AlwaysDenyRule()},
	}
)

// Read rules of the entities' policies, one per entity, each taken from rules.
var (
	InterventionRows         = read[predicate.Intervention, *ent.InterventionQuery](ent.TypeIntervention)
	HistoriqueRows           = read[predicate.HistoriqueIntervention, *ent.HistoriqueInterventionQuery](ent.TypeHistoriqueIntervention)
	DocumentRows             = read[predicate.Document, *ent.DocumentQuery](ent.TypeDocument)
	InterventionPieceRows    = read[predicate.InterventionPiece, *ent.InterventionPieceQuery](ent.TypeInterventionPiece)
	UserRows                 = read[predicate.User, *ent.UserQuery](ent.TypeUser)
	TechnicienRows           = read[predicate.Technicien, *ent.TechnicienQuery](ent.TypeTechnicien)
	TechnicienCompetenceRows = read[predicate.TechnicienCompetence, *ent.TechnicienCompetenceQuery](ent.TypeTechnicienCompetence)
	EquipementRows           = read[predicate.Equipement, *ent.EquipementQuery](ent.TypeEquipement)
	PieceRows                = read[predicate.Piece, *ent.PieceQuery](ent.TypePiece)
	SocieteRows              = read[predicate.Societe, *ent.SocieteQuery](ent.TypeSociete)
	ContratRows              = read[predicate.Contrat, *ent.ContratQuery](ent.TypeContrat)
	PlanningRows             = read[predicate.Planning, *ent.PlanningQuery](ent.TypePlanning)
	StaffOnlyRows            = read[predicate.SchedulerRun, *ent.SchedulerRunQuery](ent.TypeSchedulerRun)
	NotificationRows         = read[predicate.Notification, *ent.NotificationQuery](ent.TypeNotification)
	Everyone                 = read[predicate.Competence, *ent.CompetenceQuery](ent.TypeCompetence)
	MouvementStockRows       = read[predicate.MouvementStock, *ent.MouvementStockQuery](ent.TypeMouvementStock)
	TempsPasseRows           = read[predicate.TempsPasse, *ent.TempsPasseQuery](ent.TypeTempsPasse)
	CommentaireRows          = read[predicate.Commentaire, *ent.CommentaireQuery](ent.TypeCommentaire)
	DemandeInterventionRows  = read[predicate.DemandeIntervention, *ent.DemandeInterventionQuery](ent.TypeDemandeIntervention)
	ChecklistModeleRows      = read[predicate.ChecklistModele, *ent.ChecklistModeleQuery](ent.TypeChecklistModele)
	PointChecklistRows       = read[predicate.PointChecklist, *ent.PointChecklistQuery](ent.TypePointChecklist)
	ArretEquipementRows      = read[predicate.ArretEquipement, *ent.ArretEquipementQuery](ent.TypeArretEquipement)
	EmplacementRows          = read[predicate.Emplacement, *ent.EmplacementQuery](ent.TypeEmplacement)
	CompteurRows             = read[predicate.Compteur, *ent.CompteurQuery](ent.TypeCompteur)
	ReleveCompteurRows       = read[predicate.ReleveCompteur, *ent.ReleveCompteurQuery](ent.TypeReleveCompteur)
)

// AppendOnly is the write rule of a ledger: rows are created, never changed nor deleted, so
// that what it says happened stays what happened (corrections are new rows).
var AppendOnly = privacy.MutationRuleFunc(func(_ context.Context, m ent.Mutation) error {
	if m.Op().Is(ent.OpCreate) {
		return privacy.Skip
	}
	return privacy.Denyf("%s rows are never changed nor deleted", m.Type())
})

func init() { visibility.Register(edgeScope) }

// edgeScope is the rule of the rows an edge predicate reaches (see internal/visibility): the
// same rule as the entity's own queries, so that a filter can only test rows the viewer could
// read by listing them.
func edgeScope(ctx context.Context, typ string) func(*entsql.Selector) {
	if viewer.IsSystem(ctx) || ctx.Value(asWrittenKey{}) != nil {
		return nil
	}
	v := viewer.FromContext(ctx)
	r, ok := rules[typ]
	if v == nil || !ok {
		return none
	}
	p, err := r(v)
	switch {
	case err != nil:
		return none
	case p == nil:
		return nil
	}
	return asWritten(p)
}

type asWrittenKey struct{}

// asWritten applies a rule's predicate as the rule wrote it: the edges a rule follows already
// say which rows they reach (the technician's interventions, say), so the edge predicates
// inside it are not restricted again, which also keeps a rule's SQL as simple as written.
func asWritten(p func(*entsql.Selector)) func(*entsql.Selector) {
	return func(s *entsql.Selector) {
		ctx := s.Context()
		s.WithContext(context.WithValue(ctx, asWrittenKey{}, true))
		p(s)
		s.WithContext(ctx)
	}
}

// Restrict applies the read rule of entity typ for the viewer of ctx to s, a selector over
// that entity's table, for the readers that write their own SQL (internal/stats): s then
// keeps the rows the entity's policy lets the viewer list, no others. The server itself reads
// every row; a request without a viewer gets ErrNoViewer.
func Restrict(ctx context.Context, typ string, s *entsql.Selector) error {
	p, err := rowRule(ctx, typ)
	if err != nil || p == nil {
		return err
	}
	s.WithContext(ctx)
	asWritten(p)(s)
	return nil
}

// Unrestricted reports whether the viewer of ctx reads every row of entity typ: Restrict
// would leave a selector unchanged. What keeps sums over all the rows (internal/stats'
// rollup) may answer such viewers only.
func Unrestricted(ctx context.Context, typ string) (bool, error) {
	p, err := rowRule(ctx, typ)
	return err == nil && p == nil, err
}

// rowRule is the predicate of the rows of typ the viewer of ctx reads, nil for every row.
func rowRule(ctx context.Context, typ string) (func(*entsql.Selector), error) {
	if viewer.IsSystem(ctx) {
		return nil, nil
	}
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, ErrNoViewer
	}
	r, ok := rules[typ]
	if !ok {
		return nil, privacy.Denyf("access: %s is read by the server only", typ)
	}
	return r(v)
}
