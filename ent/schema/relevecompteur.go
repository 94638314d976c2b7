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

// ReleveCompteur is one reading of a meter: the value it showed at a date. Readings rise with
// the date unless one declares a reset (remise_a_zero); internal/compteur checks it and
// writes them, never changing one afterwards.
type ReleveCompteur struct {
	ent.Schema
}

// Mixin of the ReleveCompteur.
func (ReleveCompteur) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the ReleveCompteur.
func (ReleveCompteur) Fields() []ent.Field {
	return []ent.Field{
		field.Float("valeur").
			Immutable().
			Comment("what the meter showed"),
		field.Time("date_releve").
			Immutable().
			Comment("when the meter showed it (not when it was recorded: created_at)").
			Annotations(entgql.OrderField("DATE_RELEVE")),
		field.Bool("remise_a_zero").
			Default(false).
			Immutable().
			Comment("the meter was reset (or replaced) before this reading: counting restarts from its value"),
		field.Int("compteur_id").Immutable(),
		field.Int("user_id").
			Optional().
			Nillable().
			Immutable().
			Comment("who recorded it").
			Annotations(hiddenKey),
	}
}

// Edges of the ReleveCompteur.
func (ReleveCompteur) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("compteur", Compteur.Type).Ref("releves").Field("compteur_id").Unique().Required().Immutable(),
		edge.To("user", User.Type).Field("user_id").Unique().Immutable(),
	}
}

// Indexes of the ReleveCompteur: one reading per meter and instant, which also makes a
// repeated reading (a retry, two technicians sending the same one) a single row.
func (ReleveCompteur) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("compteur_id", "date_releve").Unique(),
	}
}

// Annotations of the ReleveCompteur: read through Compteur.releves, written through
// enregistrerReleve.
func (ReleveCompteur) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// Policy of the ReleveCompteur: see internal/access (written by internal/compteur only).
func (ReleveCompteur) Policy() ent.Policy {
	return access.Policy(access.ReleveCompteurRows, access.AppendOnly)
}
