// Package tree walks the tree of places (ent Emplacement) in SQL: the places under one, the
// places above some, and the rows that sit under a place; Below walks any table whose rows
// name their parent (the equipment's parts too). It is apart from the service
// (internal/emplacement) because the read rules (internal/access) use it too.
package tree

import (
	entsql "entgo.io/ent/dialect/sql"

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

// Subtree selects the ids of place id and of every place under it, to any depth.
func Subtree(id int) *entsql.Selector {
	return Below(emplacement.Table, emplacement.FieldParentID, id, nil)
}

// Below selects the ids of row id of table and of every row under it, to any depth, where
// parentColumn names a row's parent: the same walk serves the places and the equipment
// (internal/equipement). keep, when set, is applied to the row id and to the rows of each
// step, over the table aliased "enfant": the walk stops at a row it does not keep, so a
// reader who may not see a row learns nothing of what hangs under it.
func Below(table, parentColumn string, id int, keep func(*entsql.Selector)) *entsql.Selector {
	t := entsql.Table(table).As("enfant")
	e := entsql.Table(table).As("enfant")
	sub := entsql.Table("sous_arbre")
	if keep == nil {
		t = entsql.Table(table)
	}
	anchor := entsql.Select(t.C("id")).From(t).Where(entsql.EQ(t.C("id"), id))
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

// EquipementsUnder keeps the equipment that sits in place id or in a place under it.
func EquipementsUnder(id int) predicate.Equipement {
	return func(s *entsql.Selector) {
		s.Where(entsql.In(s.C(equipement.FieldEmplacementID), Subtree(id)))
	}
}

// InterventionsUnder keeps the interventions whose equipment sits in place id or under it.
func InterventionsUnder(id int) predicate.Intervention {
	return func(s *entsql.Selector) {
		eq := entsql.Table(equipement.Table).As("sur_place")
		s.Where(entsql.In(s.C(intervention.FieldEquipementID),
			entsql.Select(eq.C(equipement.FieldID)).From(eq).
				Where(entsql.In(eq.C(equipement.FieldEmplacementID), Subtree(id)))))
	}
}

// PlanningsUnder keeps the plannings whose equipment sits in place id or under it.
func PlanningsUnder(id int) predicate.Planning {
	return func(s *entsql.Selector) {
		eq := entsql.Table(equipement.Table).As("sur_place")
		s.Where(entsql.In(s.C(planning.FieldEquipementID),
			entsql.Select(eq.C(equipement.FieldID)).From(eq).
				Where(entsql.In(eq.C(equipement.FieldEmplacementID), Subtree(id)))))
	}
}
