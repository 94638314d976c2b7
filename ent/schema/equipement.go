package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/mifmaroc/erp/internal/access"
	"github.com/mifmaroc/erp/internal/render/shape"

	"github.com/mifmaroc/erp/internal/domain"
)

// Equipement is a maintained asset.
type Equipement struct {
	ent.Schema
}

// Mixin of the Equipement.
func (Equipement) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, rankMixin{Ranked: []string{"statut", "criticite"}, IndexPrefix: "equipement"}}
}

// Fields of the Equipement.
func (Equipement) Fields() []ent.Field {
	return []ent.Field{
		field.String("nom").
			NotEmpty().
			MaxLen(200).
			Annotations(entgql.OrderField("NOM")),
		field.String("code").
			NotEmpty().
			MaxLen(64).
			Unique().
			Comment("the asset tag printed on the equipment").
			Annotations(entgql.OrderField("CODE")),
		field.String("categorie").
			MaxLen(100).
			Optional().
			Annotations(entgql.OrderField("CATEGORIE")),
		field.String("marque").MaxLen(100).Optional(),
		field.String("modele").MaxLen(100).Optional(),
		field.String("numero_serie").MaxLen(100).Optional(),
		field.String("localisation").
			MaxLen(200).
			Optional().
			Annotations(entgql.OrderField("LOCALISATION")),
		field.Enum("statut").
			GoType(domain.EquipementStatut("")).
			Default(string(domain.EquipementOperationnel)).
			Annotations(entgql.Type("EquipementStatut")),
		field.Enum("criticite").
			GoType(domain.Criticite("")).
			Default(string(domain.CriticiteStandard)).
			Annotations(entgql.Type("Criticite")),
		field.Time("date_installation").
			Optional().
			Nillable().
			Annotations(entgql.OrderField("DATE_INSTALLATION")),
		field.String("description").Optional(),
		field.Int("client_id").
			Optional().
			Nillable().
			Comment("the client whose site holds the equipment, if any"),
		rankField("statut", "STATUT"),
		rankField("criticite", "CRITICITE"),
		field.Int("checklist_modele_id").
			Optional().
			Nillable().
			Comment("the checklist its interventions copy when they open, unless they or their planning name another").
			Annotations(hiddenKey),
		field.Int("emplacement_id").
			Optional().
			Nillable().
			Comment("the place it sits in (the free-text localisation stays for what the tree does not say)").
			Annotations(hiddenKey),
		field.Int("parent_id").
			Optional().
			Nillable().
			Comment("the equipment it is part of (a line holds its machines, a machine its motor); set through parentID").
			Annotations(hiddenKey),
	}
}

// Edges of the Equipement.
func (Equipement) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("client", Societe.Type).
			Ref("equipements").
			Field("client_id").
			Unique(),
		edge.To("interventions", Intervention.Type).
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("plannings", Planning.Type).
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		// Coverage is set on the contract (createContrat, updateContrat).
		edge.From("contrats", Contrat.Type).Ref("equipements").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		// Its stops, oldest first (internal/arret writes them).
		edge.To("arrets", ArretEquipement.Type).
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
				shape.OrderBy("debut", "id")),
		edge.To("checklist_modele", ChecklistModele.Type).Field("checklist_modele_id").Unique(),
		edge.From("emplacement", Emplacement.Type).Ref("equipements").Field("emplacement_id").Unique(),
		// A part is attached to its whole by setting its parent (parentID, internal/equipement
		// refuses cycles).
		edge.To("enfants", Equipement.Type).
			Annotations(serverSet, shape.OrderBy("id")).
			From("parent").
			Field("parent_id").
			Unique(),
		// Its manuals, photos and certificates (internal/document writes them).
		edge.To("documents", Document.Type).Annotations(serverSet, shape.OrderBy("id")),
		// Its meters (internal/compteur writes them, createCompteur).
		edge.To("compteurs", Compteur.Type).
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Indexes of the Equipement.
func (Equipement) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("statut", "criticite"),
		index.Fields("client_id"),
		index.Fields("nom"),
		index.Fields("emplacement_id"),
		index.Fields("parent_id"),
	}
}

// Annotations of the Equipement.
func (Equipement) Annotations() []schema.Annotation { return relayList() }

// Policy of the Equipement: see internal/access.
func (Equipement) Policy() ent.Policy { return access.Policy(access.EquipementRows, nil) }
