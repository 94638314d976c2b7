package access

import (
	"context"
	"slices"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/arretequipement"
	"github.com/mifmaroc/erp/ent/commentaire"
	"github.com/mifmaroc/erp/ent/compteur"
	"github.com/mifmaroc/erp/ent/contrat"
	"github.com/mifmaroc/erp/ent/demandeintervention"
	"github.com/mifmaroc/erp/ent/document"
	"github.com/mifmaroc/erp/ent/emplacement"
	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/ent/historiqueintervention"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/interventionpiece"
	"github.com/mifmaroc/erp/ent/mouvementstock"
	"github.com/mifmaroc/erp/ent/notification"
	"github.com/mifmaroc/erp/ent/piece"
	"github.com/mifmaroc/erp/ent/pointchecklist"
	"github.com/mifmaroc/erp/ent/predicate"
	"github.com/mifmaroc/erp/ent/privacy"
	"github.com/mifmaroc/erp/ent/relevecompteur"
	"github.com/mifmaroc/erp/ent/societe"
	"github.com/mifmaroc/erp/ent/technicien"
	"github.com/mifmaroc/erp/ent/techniciencompetence"
	"github.com/mifmaroc/erp/ent/tempspasse"
	"github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/emplacement/tree"
	"github.com/mifmaroc/erp/internal/viewer"
)

// interventionKeys is the heart of the matrix, written once as data so that the SQL predicate
// (Interventions) and the check of a live event (SeesIntervention) are two readings of the
// same rule: a viewer who is not staff sees the interventions where one of these keys holds.
// A technician sees those assigned to him and those he worked on (a history line names him in
// charge: work that changed hands stays readable to whoever did part of it); a client those of
// his company and those he asked for. Everything else a non-staff viewer sees follows from it.
func interventionKeys(v *viewer.Viewer) []key {
	switch v.Role {
	case domain.RoleTechnicien:
		if v.TechnicienID != 0 {
			return []key{
				{column: intervention.FieldTechnicienID, id: v.TechnicienID},
				{column: historiqueintervention.FieldTechnicienID, id: v.TechnicienID, history: true},
			}
		}
	case domain.RoleClient:
		keys := []key{{column: intervention.FieldDemandeurID, id: v.UserID}}
		if v.SocieteID != 0 {
			keys = append(keys, key{column: intervention.FieldClientID, id: v.SocieteID})
		}
		return keys
	}
	return nil
}

// key is a column and the viewer's id it must equal: a column of the intervention, or, for a
// history key, of one of its history lines.
type key struct {
	column  string
	id      int
	history bool
}

// Interventions is the rule of interventionKeys as an SQL predicate, for a viewer who is not
// staff. With a history key, the keys become one set of ids (a UNION ALL of each key's
// rows): PostgreSQL then reads each key's index, where an OR with an EXISTS on the history
// would test every intervention, row by row (see docs/decisions.md, "A technician's
// interventions are one set of ids"). The
// history is read as plain SQL, not through an edge predicate, which the history's own rule
// (built from this one) would restrict again.
func Interventions(v *viewer.Viewer) predicate.Intervention {
	if v.Scoped() {
		return tree.InterventionsUnder(v.Sites...)
	}
	keys := interventionKeys(v)
	if len(keys) == 0 {
		return none
	}
	if !slices.ContainsFunc(keys, func(k key) bool { return k.history }) {
		return func(s *entsql.Selector) {
			ps := make([]*entsql.Predicate, len(keys))
			for i, k := range keys {
				ps[i] = entsql.EQ(s.C(k.column), k.id)
			}
			s.Where(entsql.Or(ps...))
		}
	}
	return func(s *entsql.Selector) {
		var ids *entsql.Selector
		for _, k := range keys {
			var q *entsql.Selector
			if k.history {
				h := entsql.Table(historiqueintervention.Table).As("worked")
				q = entsql.Select(h.C(historiqueintervention.FieldInterventionID)).From(h).Where(entsql.EQ(h.C(k.column), k.id))
			} else {
				t := entsql.Table(intervention.Table).As("mine")
				q = entsql.Select(t.C(intervention.FieldID)).From(t).Where(entsql.EQ(t.C(k.column), k.id))
			}
			if ids == nil {
				ids = q
			} else {
				ids.UnionAll(q)
			}
		}
		s.Where(entsql.In(s.C(intervention.FieldID), ids))
	}
}

// demandeKeys is the rule of work requests, written once as data like interventionKeys: a
// viewer who is not staff sees the requests where one of these columns holds his id. Everyone
// follows his own; a client also those of his company (viewer.SocieteID, which only a CLIENT
// account carries), so that colleagues do not report the same breakdown twice.
func demandeKeys(v *viewer.Viewer) []key {
	keys := []key{{column: demandeintervention.FieldDemandeurID, id: v.UserID}}
	if v.Is(domain.RoleClient) && v.SocieteID != 0 {
		keys = append(keys, key{column: demandeintervention.FieldSocieteID, id: v.SocieteID})
	}
	return keys
}

// Demandes is the rule of demandeKeys as an SQL predicate, for a viewer who is not staff;
// a scoped responsable triages the requests on the equipment under his sites, and follows
// his own.
func Demandes(v *viewer.Viewer) predicate.DemandeIntervention {
	keys := demandeKeys(v)
	own := func(s *entsql.Selector) {
		ps := make([]*entsql.Predicate, len(keys))
		for i, k := range keys {
			ps[i] = entsql.EQ(s.C(k.column), k.id)
		}
		s.Where(entsql.Or(ps...))
	}
	if v.Scoped() {
		return demandeintervention.Or(own, tree.DemandesUnder(v.Sites...))
	}
	return own
}

// DemandeKeys are the ids of a work request that the rule of demandeKeys reads, as a live
// event carries them.
type DemandeKeys struct {
	DemandeurID int
	SocieteID   *int
}

// SeesDemande is the rule of demandeKeys evaluated in Go, for live events. For a scoped
// responsable it says only whether the request is his own (see EventDecides).
func SeesDemande(v *viewer.Viewer, d DemandeKeys) bool {
	switch {
	case v == nil:
		return false
	case v.Staff() && !v.Scoped():
		return true
	}
	row := map[string]*int{
		demandeintervention.FieldDemandeurID: &d.DemandeurID,
		demandeintervention.FieldSocieteID:   d.SocieteID,
	}
	for _, k := range demandeKeys(v) {
		if id := row[k.column]; id != nil && *id == k.id {
			return true
		}
	}
	return false
}

// Equipements is the rule of equipment as an SQL predicate, nil when the viewer reads every
// equipment: technicians read it all (SPEC.md); a scoped responsable, the equipment placed
// under his sites; a client, his company's and that of his interventions.
func Equipements(v *viewer.Viewer) predicate.Equipement {
	if v.Scoped() {
		return tree.EquipementsUnder(v.Sites...)
	}
	if v.Staff() || v.Is(domain.RoleTechnicien) {
		return nil
	}
	p := equipement.HasInterventionsWith(Interventions(v))
	if v.SocieteID != 0 {
		return equipement.Or(p, equipement.ClientID(v.SocieteID))
	}
	return p
}

// Commentaires is the rule of comments as an SQL predicate, for a viewer who does not read
// them all: the comments of the interventions and of the work requests he sees, internal
// ones excepted unless he is staff (a scoped responsable). SeesCommentaire is its reading
// for live events.
func Commentaires(v *viewer.Viewer) predicate.Commentaire {
	thread := commentaire.Or(
		commentaire.HasInterventionWith(Interventions(v)),
		commentaire.HasDemandeWith(Demandes(v)),
	)
	if v.Staff() {
		return thread
	}
	return commentaire.And(commentaire.Interne(false), thread)
}

// Fil are the keys of a comment's thread, as a live event carries them: those of its
// intervention, or those of its work request (exactly one is set).
type Fil struct {
	Intervention *EventKeys
	Demande      *DemandeKeys
}

// SeesCommentaire is the rule of Commentaires evaluated in Go, for live events (see
// EventDecides for a scoped responsable).
func SeesCommentaire(v *viewer.Viewer, interne bool, fil Fil) bool {
	switch {
	case v == nil, interne && !v.Staff():
		return false
	case fil.Intervention != nil:
		return SeesIntervention(v, *fil.Intervention)
	case fil.Demande != nil:
		return SeesDemande(v, *fil.Demande)
	}
	return false
}

// A rule says which rows of an entity a viewer reads: a predicate on the entity's table, nil
// for every row, or an error that refuses the query outright. It is given a viewer that is
// never nil and never the server itself (both are decided before).
type rule func(v *viewer.Viewer) (func(*entsql.Selector), error)

// workingOn are the technicians on the interventions iv: those assigned and, for a
// technician, the colleagues who logged time on them (he reads their entries: shared work).
func workingOn(v *viewer.Viewer, iv predicate.Intervention) predicate.Technicien {
	assigned := technicien.HasInterventionsWith(iv)
	if !v.Is(domain.RoleTechnicien) {
		return assigned
	}
	return technicien.Or(assigned, func(s *entsql.Selector) {
		t := entsql.Table(tempspasse.Table)
		logged := entsql.Select(t.C(tempspasse.FieldTechnicienID)).From(t)
		// The context tells edge predicates whether they are the rule as written (see
		// asWritten) or a filter the reader's rules must still restrict.
		logged.WithContext(s.Context())
		tempspasse.HasInterventionWith(iv)(logged)
		s.Where(entsql.In(s.C(technicien.FieldID), logged))
	})
}

// answered are the users who answered a point of the checklists of the interventions iv.
func answered(iv predicate.Intervention) predicate.User {
	return func(s *entsql.Selector) {
		t := entsql.Table(pointchecklist.Table)
		by := entsql.Select(t.C(pointchecklist.FieldReponduParID)).From(t)
		by.WithContext(s.Context()) // see workingOn
		pointchecklist.HasInterventionWith(iv)(by)
		s.Where(entsql.In(s.C(user.FieldID), by))
	}
}

// staffAll gives staff every row and other roles the rows visible returns: the rule of
// the entities that are not maintenance data under a site (people, companies, contracts).
func staffAll[P ~func(*entsql.Selector)](visible func(*viewer.Viewer) P) rule {
	return func(v *viewer.Viewer) (func(*entsql.Selector), error) {
		if v.Staff() {
			return nil, nil
		}
		return visible(v), nil
	}
}

// onSite is staffAll for the maintenance data that sits under a site: a scoped responsable
// gets the rows visible returns for him, as the other roles do (visible knows him).
func onSite[P ~func(*entsql.Selector)](visible func(*viewer.Viewer) P) rule {
	return func(v *viewer.Viewer) (func(*entsql.Selector), error) {
		if v.Staff() && !v.Scoped() {
			return nil, nil
		}
		return visible(v), nil
	}
}

// everyRow lets every authenticated user read every row (competences).
func everyRow(*viewer.Viewer) (func(*entsql.Selector), error) { return nil, nil }

// none is the predicate of no row: a role that may not see an entity gets empty lists and
// NOT_FOUND on node(id:), never another's data.
func none(s *entsql.Selector) { s.Where(entsql.False()) }

var errStaffOnly = privacy.Denyf("reserved to ADMIN and RESPONSABLE")

// rules holds the read rule of every entity, by ent type name: the one definition that the
// entities' policies (Read) and the edge predicates inside `where` filters (see
// internal/visibility) both apply. An entity missing here is read by nobody but the server.
var rules = map[string]rule{
	ent.TypeIntervention: onSite(Interventions),

	ent.TypeHistoriqueIntervention: onSite(func(v *viewer.Viewer) predicate.HistoriqueIntervention {
		return historiqueintervention.HasInterventionWith(Interventions(v))
	}),

	// Documents: those of the interventions one sees, the photos of the requests one
	// sees (an approved request's photos belong to both), and the files of the equipment
	// one reads.
	ent.TypeDocument: onSite(func(v *viewer.Viewer) predicate.Document {
		eq := document.HasEquipement()
		if p := Equipements(v); p != nil {
			eq = document.HasEquipementWith(p)
		}
		return document.Or(document.HasInterventionWith(Interventions(v)), document.HasDemandeWith(Demandes(v)), eq)
	}),

	// An intervention's checklist is part of its record (its report shows the answers):
	// whoever sees the intervention reads it.
	ent.TypePointChecklist: onSite(func(v *viewer.Viewer) predicate.PointChecklist {
		return pointchecklist.HasInterventionWith(Interventions(v))
	}),

	// Checklist templates: staff write them, technicians read the procedures they follow;
	// a client has no use for them.
	ent.TypeChecklistModele: func(v *viewer.Viewer) (func(*entsql.Selector), error) {
		if v.Staff() || v.Is(domain.RoleTechnicien) {
			return nil, nil
		}
		return none, nil
	},

	ent.TypeInterventionPiece: onSite(func(v *viewer.Viewer) predicate.InterventionPiece {
		return interventionpiece.HasInterventionWith(Interventions(v))
	}),

	// Comments: staff read them all; the others, the comments of the interventions and of
	// the requests they see that are not internal (internal ones are staff talk).
	ent.TypeCommentaire: onSite(Commentaires),

	// Users: oneself, and the people around one's interventions (the technician on them,
	// whoever asked for them, wrote their history or a comment one reads).
	ent.TypeUser: staffAll(func(v *viewer.Viewer) predicate.User {
		iv := Interventions(v)
		return user.Or(
			user.ID(v.UserID),
			user.HasTechnicienWith(workingOn(v, iv)),
			user.HasInterventionsDemandeesWith(iv),
			user.HasHistoriquesWith(historiqueintervention.HasInterventionWith(iv)),
			user.HasCommentairesWith(Commentaires(v)),
			answered(iv),
		)
	}),

	ent.TypeTechnicien: staffAll(func(v *viewer.Viewer) predicate.Technicien {
		return technicien.Or(technicien.UserID(v.UserID), workingOn(v, Interventions(v)))
	}),

	// Skills held: staff match people to work; a technician reads his own, not his
	// colleagues' levels; a client has no use for them.
	ent.TypeTechnicienCompetence: staffAll(func(v *viewer.Viewer) predicate.TechnicienCompetence {
		if v.Is(domain.RoleTechnicien) && v.TechnicienID != 0 {
			return techniciencompetence.TechnicienID(v.TechnicienID)
		}
		return none
	}),

	ent.TypeEquipement: func(v *viewer.Viewer) (func(*entsql.Selector), error) {
		if p := Equipements(v); p != nil {
			return p, nil
		}
		return nil, nil
	},

	// Places: staff and technicians read the whole tree (a technician finds his way to the
	// work); a client reads the places where equipment he reads sits and every place above
	// them, so that his breadcrumbs (Emplacement.chemin) are whole and a filter on a subtree
	// (sousEmplacement) only walks places he reads. The places of other companies' equipment
	// stay hidden, unless one of his sits under them.
	ent.TypeEmplacement: func(v *viewer.Viewer) (func(*entsql.Selector), error) {
		if v.Scoped() {
			// His sites, everything under them, and the places above them (breadcrumbs).
			return func(s *entsql.Selector) {
				s.Where(entsql.In(s.C(emplacement.FieldID), tree.Ancestors(tree.Subtree(v.Sites...))))
			}, nil
		}
		eq := Equipements(v)
		if eq == nil {
			return nil, nil
		}
		return func(s *entsql.Selector) {
			t := entsql.Table(equipement.Table).As("ses_equipements")
			// Under the context of s, the rule as written: its edge predicates are not
			// restricted again.
			his := entsql.Select(t.C(equipement.FieldEmplacementID)).From(t).
				Where(entsql.NotNull(t.C(equipement.FieldEmplacementID)))
			his.WithContext(s.Context())
			eq(his)
			s.Where(entsql.In(s.C(emplacement.FieldID), tree.Ancestors(his)))
		}, nil
	},

	// Stops of equipment: whoever reads an equipment reads its stops (staff and technicians
	// all of them, a client those of the equipment he reads); the intervention that caused a
	// stop and the user who declared it stay under their own rules.
	ent.TypeArretEquipement: func(v *viewer.Viewer) (func(*entsql.Selector), error) {
		if p := Equipements(v); p != nil {
			return arretequipement.HasEquipementWith(p), nil
		}
		return nil, nil
	},

	// Meters and their readings: whoever reads an equipment reads its meters and readings
	// (staff and technicians all of them, a client those of the equipment he reads). The
	// user who recorded a reading stays under his own rule.
	ent.TypeCompteur: func(v *viewer.Viewer) (func(*entsql.Selector), error) {
		if p := Equipements(v); p != nil {
			return compteur.HasEquipementWith(p), nil
		}
		return nil, nil
	},
	ent.TypeReleveCompteur: func(v *viewer.Viewer) (func(*entsql.Selector), error) {
		if p := Equipements(v); p != nil {
			return relevecompteur.HasCompteurWith(compteur.HasEquipementWith(p)), nil
		}
		return nil, nil
	},

	// Parts: technicians use them all; a client sees those used on his interventions.
	ent.TypePiece: func(v *viewer.Viewer) (func(*entsql.Selector), error) {
		if v.Staff() || v.Is(domain.RoleTechnicien) {
			return nil, nil
		}
		return piece.HasInterventionsWith(Interventions(v)), nil
	},

	// The stock ledger: a technician reads the movements of the interventions he sees (what
	// he took and gave back); a client none, since it shows costs and other clients' work.
	ent.TypeMouvementStock: func(v *viewer.Viewer) (func(*entsql.Selector), error) {
		switch {
		case v.Scoped():
			// The store is shared by every site; the work it went to is under his.
			return mouvementstock.Or(mouvementstock.InterventionIDIsNil(),
				mouvementstock.HasInterventionWith(Interventions(v))), nil
		case v.Staff():
			return nil, nil
		case v.Is(domain.RoleTechnicien):
			return mouvementstock.HasInterventionWith(Interventions(v)), nil
		}
		return none, nil
	},

	// Time logged: a technician reads the entries of the interventions he sees (his own and
	// his colleagues' on shared work); a client none, since they carry rates and people.
	ent.TypeTempsPasse: func(v *viewer.Viewer) (func(*entsql.Selector), error) {
		switch {
		case v.Staff() && !v.Scoped():
			return nil, nil
		case v.Staff(), v.Is(domain.RoleTechnicien):
			return tempspasse.HasInterventionWith(Interventions(v)), nil
		}
		return none, nil
	},

	// Companies: a client reads his own (viewer.SocieteID, which only a CLIENT account
	// carries) and those of his interventions; a technician those of his interventions.
	ent.TypeSociete: staffAll(func(v *viewer.Viewer) predicate.Societe {
		return societe.Or(societe.ID(v.SocieteID), societe.HasInterventionsWith(Interventions(v)))
	}),

	// Contracts: a client reads his company's; technicians none.
	ent.TypeContrat: staffAll(func(v *viewer.Viewer) predicate.Contrat {
		if v.SocieteID == 0 {
			return none
		}
		return contrat.ClientID(v.SocieteID)
	}),

	// Plannings are staff work (a scoped responsable's, those of the equipment under his
	// sites).
	ent.TypePlanning: onSite(func(v *viewer.Viewer) predicate.Planning {
		if v.Scoped() {
			return tree.PlanningsUnder(v.Sites...)
		}
		return none
	}),

	// Scheduler runs: staff read every row, other roles are refused.
	ent.TypeSchedulerRun: func(v *viewer.Viewer) (func(*entsql.Selector), error) {
		if v.Staff() {
			return nil, nil
		}
		return nil, errStaffOnly
	},

	// Notifications are personal: everyone reads his own; only ADMIN reads all.
	ent.TypeNotification: func(v *viewer.Viewer) (func(*entsql.Selector), error) {
		if v.Is(domain.RoleAdmin) {
			return nil, nil
		}
		return notification.UserID(v.UserID), nil
	},

	ent.TypeCompetence: everyRow,

	// Work requests: staff triage them all; the others, the rule of demandeKeys.
	ent.TypeDemandeIntervention: onSite(Demandes),
}

// read is the read policy of entity typ, whose predicates have type P and queries type Q: its
// rule from rules, applied as a filter on the query. An entity without a rule is refused to
// every viewer.
func read[P ~func(*entsql.Selector), Q any](typ string) privacy.QueryRule {
	r, ok := rules[typ]
	if !ok {
		return privacy.AlwaysDenyRule()
	}
	return privacy.QueryRuleFunc(func(ctx context.Context, q ent.Query) error {
		p, err := r(viewer.FromContext(ctx))
		if err != nil || p == nil {
			if err != nil {
				return err
			}
			return privacy.Allow
		}
		wq, ok := q.(interface{ Where(...P) Q })
		if !ok {
			return privacy.Denyf("access: unexpected query type %T", q)
		}
		wq.Where(P(asWritten(p)))
		return privacy.Allow
	})
}

// SystemWrite is the write rule of rows only the server itself writes (the allowSystem rule
// runs first): no user action writes them, whatever a service does.
var SystemWrite = privacy.MutationRuleFunc(func(context.Context, ent.Mutation) error {
	return privacy.Denyf("written by the server only")
})

// EventKeys are the ids of an intervention that the rule of interventionKeys reads, as a
// live event carries them (no query per event).
type EventKeys struct {
	TechnicienID, ClientID, DemandeurID *int
	// Intervenants are the technicians its history names in charge.
	Intervenants []int
}

// SeesIntervention is the rule of interventionKeys evaluated in Go, for live events. An
// event does not say where the intervention's equipment sits: for a scoped responsable it
// is false, and EventDecides tells the subscription to read the row again as him.
func SeesIntervention(v *viewer.Viewer, e EventKeys) bool {
	switch {
	case v == nil, v.Scoped():
		return false
	case v.Staff():
		return true
	}
	row := map[string]*int{
		intervention.FieldTechnicienID: e.TechnicienID,
		intervention.FieldClientID:     e.ClientID,
		intervention.FieldDemandeurID:  e.DemandeurID,
	}
	for _, k := range interventionKeys(v) {
		if k.history {
			if slices.Contains(e.Intervenants, k.id) {
				return true
			}
		} else if id := row[k.column]; id != nil && *id == k.id {
			return true
		}
	}
	return false
}

// WritablePlaces is the rule of the places v may change and put equipment in: nil for
// every place; for a scoped responsable, his sites and the places under them. He reads the
// places above his sites too, for his breadcrumbs, but they are not his to change.
func WritablePlaces(v *viewer.Viewer) predicate.Emplacement {
	if !v.Scoped() {
		return nil
	}
	return func(s *entsql.Selector) {
		s.Where(entsql.In(s.C(emplacement.FieldID), tree.Subtree(v.Sites...)))
	}
}

// EventDecides reports whether the keys of live events decide what v sees (SeesIntervention,
// SeesCommentaire, SeesDemande). They do not for a scoped responsable, whose rule depends on
// where the equipment sits: a subscription reads each event's row again as him, one query per
// event for such viewers only.
func EventDecides(v *viewer.Viewer) bool { return !v.Scoped() }

// WithIntervention are the edges whoever sees an intervention may follow from it, and from
// the rows they reach, by ent type: the rules above let him see every row at their ends (its
// equipment, client, technician and his user, requester, documents, history and their
// authors, checklist), and from the rows of its time sheet and thread that one reads, the
// people on them. A reader that goes around the privacy rules to read an intervention's edges in
// its own statement (internal/render) follows these and no other; TestRenderVisibility
// holds them to the rules for every role. Document uploaders are not among them: a client
// may read a document without its uploader.
var WithIntervention = map[string][]string{
	ent.TypeIntervention:           {"equipement", "technicien", "client", "demandeur", "documents", "historique", "checklist"},
	ent.TypeTechnicien:             {"user"},
	ent.TypeHistoriqueIntervention: {"user"},
	ent.TypePointChecklist:         {"reponduPar"},
	ent.TypeTempsPasse:             {"technicien"},
	ent.TypeCommentaire:            {"auteur"},
}
