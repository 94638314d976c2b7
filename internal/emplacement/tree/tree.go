// Package tree walks the tree of places (ent Emplacement) in SQL: the places under one, the
// places above some, and the rows that sit under a place; Below walks any table whose rows
// name their parent (the equipment's parts too). It is apart from the service
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
	return Below(emplacement.Table, emplacement.FieldParentID, ids, nil)
}

// Below selects the ids of the rows ids of table and of every row under them, to any depth,
// where parentColumn names a row's parent: the same walk serves the places and the equipment
// (internal/equipement). keep, when set, is applied to the rows ids and to the rows of each
// step, over the table aliased "enfant": the walk stops at a row it does not keep, so a
// reader who may not see a row learns nothing of what hangs under it.
func Below(table, parentColumn string, ids []int, keep func(*entsql.Selector)) *entsql.Selector {
	t := entsql.Table(table).As("enfant")
	e := entsql.Table(table).As("enfant")
	sub := entsql.Table("sous_arbre")
	if keep == nil {
		t = entsql.Table(table)
	}
	anchor := entsql.Select(t.C("id")).From(t).Where(entsql.In(t.C("id"), anys(ids)...))
	step := entsql.Select(e.C("id")).From(e).Join(sub).On(e.C(parentColumn), sub.C("id"))
	if keep != nil {
		keep(anchor)
		keep(step)
	}
	walk := entsql.WithRecursive("sous_arbre", "id").As(anchor.Union(step))
	return entsql.Select(sub.C("id")).From(sub).Prefix(walk)
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
