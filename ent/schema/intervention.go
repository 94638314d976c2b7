package schema

import (
	"fmt"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/mifmaroc/erp/internal/access"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/render/shape"
	"github.com/mifmaroc/erp/internal/search"
	"github.com/mifmaroc/erp/internal/technicien"
)

// Intervention is a work order. Its statut moves only through the state machine of
// internal/intervention; the dates of each step are set by those moves, never by inputs.
type Intervention struct {
	ent.Schema
}

// Mixin of the Intervention.
func (Intervention) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, rankMixin{Ranked: []string{"statut", "priorite"}, IndexPrefix: "intervention"}}
}

// serverSet keeps a field out of both generated mutation inputs.
var serverSet = entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)

// Fields of the Intervention.
func (Intervention) Fields() []ent.Field {
	return []ent.Field{
		field.String("titre").
			NotEmpty().
			MaxLen(200).
			Annotations(entgql.OrderField("TITRE")),
		field.Text("description").
			Optional(),
		field.Enum("type").
			GoType(domain.InterventionType("")).
			Default(string(domain.TypeCorrective)).
			Annotations(entgql.Type("InterventionType"), entgql.OrderField("TYPE")),
		field.Enum("statut").
			GoType(domain.InterventionStatut("")).
			Default(string(domain.StatutOuverte)).
			Annotations(entgql.Type("InterventionStatut"), serverSet),
		field.Enum("priorite").
			GoType(domain.Priorite("")).
			Default(string(domain.PrioriteNormale)).
			Annotations(entgql.Type("Priorite")),
		field.Bool("urgence").
			Default(false),
		field.Time("date_creation").
			Default(time.Now).
			Immutable().
			Annotations(entgql.OrderField("DATE_CREATION"), serverSet),
		field.Time("date_prevue").
			Optional().
			Nillable().
			Annotations(entgql.OrderField("DATE_PREVUE")),
		field.Time("date_limite").
			Optional().
			Nillable().
			Comment("SLA deadline; derived from the priority when not given").
			Annotations(entgql.OrderField("DATE_LIMITE")),
		field.Time("date_affectation").Optional().Nillable().Annotations(serverSet),
		field.Time("date_debut").Optional().Nillable().Annotations(serverSet),
		field.Time("date_fin").Optional().Nillable().Annotations(serverSet),
		field.Time("date_cloture").
			Optional().
			Nillable().
			Annotations(entgql.OrderField("DATE_CLOTURE"), serverSet),
		field.Time("date_archivage").Optional().Nillable().Annotations(serverSet),
		field.Time("date_alerte_echeance").
			Optional().
			Nillable().
			Comment("when the deadline warning (RETARD) went out; the deadline check looks only at open work without it").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("date_echeance").
			Optional().
			Nillable().
			Comment("the planning occurrence this preventive intervention was created for").
			Annotations(serverSet),
		field.Int("duree_estimee").
			Optional().
			Nillable().
			Validate(domain.InRange(0, domain.MaxDureeMinutes)).
			Comment(fmt.Sprintf("minutes, from 0 to %d", domain.MaxDureeMinutes)),
		field.Text("rapport").
			Optional(),
		field.Int("satisfaction_client").
			Optional().
			Nillable().
			Range(1, 5).
			Comment("1 to 5, recorded with the client's validation (validerIntervention)").
			Annotations(serverSet),
		field.Bool("validation_client").
			Default(false).
			Comment("the client (or staff for him) accepted the closed work (validerIntervention)").
			Annotations(serverSet),
		field.Int("equipement_id").Optional().Nillable(),
		field.Int("technicien_id").Optional().Nillable().Annotations(serverSet),
		field.Int("client_id").Optional().Nillable(),
		field.Int("contrat_id").Optional().Nillable(),
		field.Int("planning_id").Optional().Nillable().Annotations(serverSet),
		field.Int("demandeur_id").
			Optional().
			Nillable().
			Comment("the user who asked for the work").
			Annotations(serverSet),
		// New fields go last: SQLite then adds a column instead of rebuilding the table.
		field.Text("recherche").
			Optional().
			Comment("titre and description normalized for search (internal/search), kept by a hook").
			Annotations(entgql.Skip()),
		field.Bool("date_limite_manuelle").
			Default(false).
			Comment("dateLimite was given by hand: a change of priority keeps it instead of deriving it from the SLA").
			Annotations(serverSet),
		field.Text("commentaire_client").
			Optional().
			Nillable().
			Comment("the client's comment recorded with his validation").
			Annotations(serverSet),
		field.Time("date_validation_client").
			Optional().
			Nillable().
			Comment("when the validation was recorded").
			Annotations(serverSet),
		rankField("statut", "STATUT"),
		rankField("priorite", "PRIORITE"),
		field.Int("competence_requise_id").
			Optional().
			Nillable().
			Comment("the skill the work needs (NOT_FOUND when not in the catalogue): candidatsIntervention looks for its holders unless asked otherwise"),
		field.Enum("niveau_requis").
			GoType(domain.NiveauCompetence("")).
			Optional().
			Nillable().
			Comment("the least level in competenceRequise the work needs (any when null; ignored without a skill)").
			Annotations(entgql.Type("NiveauCompetence")),
		field.Bool("arret_equipement").
			Default(false).
			Comment("corrective work declares that its equipment is stopped: the equipment is PANNE, and a stop (ArretEquipement) runs, while such work is open (internal/arret)"),
		field.Int("checklist_modele_id").
			Optional().
			Nillable().
			Immutable().
			Comment("the checklist template copied when it opened: the one given, else its planning's, else its equipement's").
			Annotations(hiddenKey),
		// Facts of its history, time sheet and parts, kept by internal/facts whenever those
		// rows change, so that maintenanceStats sums columns of this table alone.
		field.Time("date_annulation").
			Optional().
			Nillable().
			Comment("the instant of its first history line to ANNULEE (internal/facts)").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Bool("premiere_fois").
			Default(true).
			Comment("no history line to EN_ATTENTE and none naming a technician other than its own (internal/facts)").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int64("main_oeuvre_minutes_taux").
			Default(0).
			Comment("Σ dureeMinutes × tauxHoraireCentimes of its stopped time entries (internal/facts)").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int64("pieces_centimes").
			Default(0).
			Comment("Σ quantite × prixUnitaireCentimes of its parts (internal/facts)").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Edges of the Intervention.
func (Intervention) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("equipement", Equipement.Type).Ref("interventions").Field("equipement_id").Unique(),
		edge.From("technicien", Technicien.Type).Ref("interventions").Field("technicien_id").Unique().
			Annotations(serverSet),
		edge.From("client", Societe.Type).Ref("interventions").Field("client_id").Unique(),
		edge.From("contrat", Contrat.Type).Ref("interventions").Field("contrat_id").Unique(),
		edge.From("planning", Planning.Type).Ref("interventions").Field("planning_id").Unique().
			Annotations(serverSet),
		edge.From("demandeur", User.Type).Ref("interventions_demandees").Field("demandeur_id").Unique().
			Annotations(serverSet),
		edge.To("documents", Document.Type).Annotations(serverSet, shape.OrderBy("id")),
		// Read in the order things happened, whoever reads them (internal/render/shape).
		edge.To("historique", HistoriqueIntervention.Type).
			Annotations(serverSet, entgql.OrderField("HISTORIQUE_COUNT"), shape.OrderBy("horodatage", "id")),
		edge.To("notifications", Notification.Type).Annotations(serverSet),
		edge.To("pieces", Piece.Type).
			Through("utilisations", InterventionPiece.Type).
			Annotations(serverSet),
		edge.To("competence_requise", Competence.Type).Field("competence_requise_id").Unique(),
		edge.To("temps_passes", TempsPasse.Type).
			Annotations(serverSet, entgql.RelayConnection(), shape.OrderBy("debut", "id")),
		// Oldest first unless orderBy says otherwise (the default order is the id's).
		edge.To("commentaires", Commentaire.Type).Annotations(entgql.RelayConnection(), serverSet),
		// The work request its approval came from (internal/demande), if any.
		edge.To("demande", DemandeIntervention.Type).Unique().Annotations(serverSet),
		edge.To("checklist_modele", ChecklistModele.Type).Field("checklist_modele_id").Unique().Immutable(),
		// Its own checklist, copied from the template when it opened, in the template's order.
		edge.To("checklist", PointChecklist.Type).Annotations(serverSet, shape.OrderBy("position", "id")),
	}
}

// Indexes of the Intervention: one per filter the lists offer.
func (Intervention) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("statut", "priorite"),
		index.Fields("technicien_id", "statut"),
		index.Fields("equipement_id"),
		index.Fields("client_id", "statut"),
		index.Fields("contrat_id"),
		index.Fields("demandeur_id"),
		index.Fields("date_creation"),
		index.Fields("date_prevue"),
		index.Fields("date_limite"),
		// The deadline check's candidates, open work not warned yet, are one range of it:
		// without it the check reads every open intervention past its deadline, warned long
		// ago, on each pass.
		index.Fields("date_alerte_echeance", "statut", "date_limite").
			StorageKey("intervention_echeance_a_signaler"),
		index.Fields("date_cloture"),
		// At most one preventive intervention per planning occurrence, whatever the replicas do.
		index.Fields("planning_id", "date_echeance").Unique(),
	}
}

// Annotations of the Intervention.
func (Intervention) Annotations() []schema.Annotation { return relayList() }

// Hooks of the Intervention.
func (Intervention) Hooks() []ent.Hook {
	return []ent.Hook{search.InterventionHook(), technicien.RequiredSkillHook()}
}

// Policy of the Intervention: see internal/access.
func (Intervention) Policy() ent.Policy { return access.Policy(access.InterventionRows, nil) }
