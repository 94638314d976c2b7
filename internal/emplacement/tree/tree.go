// Package tree walks the tree of places (ent Emplacement) in SQL: the places under one, the
// places above some, and the rows that sit under a place. It is apart from the service
// (internal/emplacement) because the read rules (internal/access) use it too.
package tree

import (
	entsql "entgo.io/ent/dialect/sql"

	"github.com/mifmaroc/erp/ent/demandeintervention"
	"github.com/mifmaroc/erp/ent/emplacement"
	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/planning"
	"github.com/mifmaroc/erp/ent/predicate"
)

// The walks of the tree are recursive common table expressions, which PostgreSQL and SQLite
// both run, so that "everything under this place" is one statement whatever the depth. They
// use UNION, not UNION ALL: Update refuses cycles, but two moves committed at once (A under B,
// B under A) could still make one, and UNION stops there instead of looping.

// Subtree selects the ids of the places ids and of every place under them, to any depth.
func Subtree(ids ...int) *entsql.Selector {
	t := entsql.Table(emplacement.Table)
	e := entsql.Table(emplacement.Table).As("enfant")
	sub := entsql.Table("sous_arbre")
	walk := entsql.WithRecursive("sous_arbre", emplacement.FieldID).As(
		entsql.Select(t.C(emplacement.FieldID)).From(t).Where(entsql.In(t.C(emplacement.FieldID), anys(ids)...)).
			Union(entsql.Select(e.C(emplacement.FieldID)).From(e).
				Join(sub).On(e.C(emplacement.FieldParentID), sub.C(emplacement.FieldID))))
	return entsql.Select(sub.C(emplacement.FieldID)).From(sub).Prefix(walk)
}

// Ancestors selects the ids of the places that places selects (a query of one column of
// place ids) and of every place above them, up to their roots.
func Ancestors(places *entsql.Selector) *entsql.Selector {
	t := entsql.Table(emplacement.Table)
	p := entsql.Table(emplacement.Table).As("parent")
	up := entsql.Table("ascendants")
	walk := entsql.WithRecursive("ascendants", emplacement.FieldID, emplacement.FieldParentID).As(
		entsql.Select(t.C(emplacement.FieldID), t.C(emplacement.FieldParentID)).From(t).
			Where(entsql.In(t.C(emplacement.FieldID), places)).
			Union(entsql.Select(p.C(emplacement.FieldID), p.C(emplacement.FieldParentID)).From(p).
				Join(up).On(p.C(emplacement.FieldID), up.C(emplacement.FieldParentID))))
	return entsql.Select(up.C(emplacement.FieldID)).From(up).Prefix(walk)
}

func anys(ids []int) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// EquipementsUnder keeps the equipment that sits in one of the places ids or under it.
func EquipementsUnder(ids ...int) predicate.Equipement {
	return func(s *entsql.Selector) {
		s.Where(entsql.In(s.C(equipement.FieldEmplacementID), Subtree(ids...)))
	}
}

// placed selects the ids of the equipment under the places ids.
func placed(ids []int) *entsql.Selector {
	eq := entsql.Table(equipement.Table).As("sur_place")
	return entsql.Select(eq.C(equipement.FieldID)).From(eq).
		Where(entsql.In(eq.C(equipement.FieldEmplacementID), Subtree(ids...)))
}

// InterventionsUnder keeps the interventions whose equipment sits in one of the places ids
// or under it.
func InterventionsUnder(ids ...int) predicate.Intervention {
	return func(s *entsql.Selector) {
		s.Where(entsql.In(s.C(intervention.FieldEquipementID), placed(ids)))
	}
}

// PlanningsUnder keeps the plannings whose equipment sits in one of the places ids or under it.
func PlanningsUnder(ids ...int) predicate.Planning {
	return func(s *entsql.Selector) {
		s.Where(entsql.In(s.C(planning.FieldEquipementID), placed(ids)))
	}
}

// DemandesUnder keeps the work requests whose equipment sits in one of the places ids or
// under it.
func DemandesUnder(ids ...int) predicate.DemandeIntervention {
	return func(s *entsql.Selector) {
		s.Where(entsql.In(s.C(demandeintervention.FieldEquipementID), placed(ids)))
	}
}
