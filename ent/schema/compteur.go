package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/mifmaroc/erp/internal/access"
)

// Compteur is a meter on an equipement (running hours, cycles, kilometres or another unit)
// whose readings (ReleveCompteur) drive usage-based plannings. Staff create and change them;
// readings are recorded through internal/compteur, which keeps them in order.
type Compteur struct {
	ent.Schema
}

// Mixin of the Compteur.
func (Compteur) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the Compteur.
func (Compteur) Fields() []ent.Field {
	return []ent.Field{
		field.String("nom").
			NotEmpty().
			MaxLen(200).
			Comment("what people call the meter (\"heures moteur\"), 1 to 200 characters once trimmed"),
		field.Enum("unite").
			Values("HEURES", "CYCLES", "KM", "AUTRE").
			Comment("HEURES: heures de marche; CYCLES: cycles; KM: kilomètres; AUTRE: the unit libelleUnite names").
			Annotations(entgql.Type("UniteCompteur")),
		field.String("libelle_unite").
			Optional().
			Nillable().
			MaxLen(32).
			Comment("the unit as people write it (\"m³\", \"coups\"), mostly for AUTRE"),
		field.Bool("actif").
			Default(true).
			Comment("false once the meter is no longer read: kept with its readings"),
		field.Int("equipement_id").
			Annotations(entgql.Skip(entgql.SkipMutationUpdateInput)),
	}
}

// Edges of the Compteur.
func (Compteur) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("equipement", Equipement.Type).
			Ref("compteurs").
			Field("equipement_id").
			Unique().
			Required().
			Annotations(entgql.Skip(entgql.SkipMutationUpdateInput)),
		// Readings are recorded through enregistrerReleve; Compteur.releves lists them newest
		// first (graph/compteurs.graphqls).
		edge.To("releves", ReleveCompteur.Type).
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("plannings", Planning.Type).
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Indexes of the Compteur: an equipement's meters.
func (Compteur) Indexes() []ent.Index {
	return []ent.Index{index.Fields("equipement_id")}
}

// Annotations of the Compteur: read through Equipement.compteurs and node(id:), written
// through the mutations of graph/compteurs.graphqls.
func (Compteur) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate())}
}

// Policy of the Compteur: see internal/access.
func (Compteur) Policy() ent.Policy { return access.Policy(access.CompteurRows, nil) }
