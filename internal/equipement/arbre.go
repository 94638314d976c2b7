package equipement

import (
	"context"
	"fmt"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/planning"
	"github.com/mifmaroc/erp/ent/predicate"
	"github.com/mifmaroc/erp/internal/access"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/emplacement/tree"
)

// The parts of an equipment (a line and its machines, a machine and its motor) are walked
// like the places, by one recursive query (tree.Below), whatever the depth.

// Sous selects the ids of equipment id and of every equipment under it that the viewer of
// ctx reads: the walk crosses only equipment he reads, so a part of another company's that
// hangs under his machine, and whatever hangs under that part, is not his to count. The
// server itself walks every row. Each call of the function returned builds the statement
// anew, for each query the predicate goes into (a page and its count). Errors: those of
// access.Restrict (no viewer).
func Sous(ctx context.Context, id int) (func() *entsql.Selector, error) {
	var denied error
	walk := func() *entsql.Selector {
		return tree.Below(equipement.Table, equipement.FieldParentID, []int{id}, func(s *entsql.Selector) {
			if err := access.Restrict(ctx, ent.TypeEquipement, s); err != nil {
				denied = err
				s.Where(entsql.False())
			}
		})
	}
	if walk(); denied != nil {
		return nil, denied
	}
	return walk, nil
}

// EquipementsSous keeps equipment id and the equipment under it (see Sous).
func EquipementsSous(ctx context.Context, id int) (predicate.Equipement, error) {
	walk, err := Sous(ctx, id)
	if err != nil {
		return nil, err
	}
	return func(s *entsql.Selector) { s.Where(entsql.In(s.C(equipement.FieldID), walk())) }, nil
}

// InterventionsSous keeps the interventions of equipment id and of the equipment under it
// (see Sous): the history of a whole and its parts.
func InterventionsSous(ctx context.Context, id int) (predicate.Intervention, error) {
	walk, err := Sous(ctx, id)
	if err != nil {
		return nil, err
	}
	return func(s *entsql.Selector) { s.Where(entsql.In(s.C(intervention.FieldEquipementID), walk())) }, nil
}

// PlanningsSous keeps the plannings of equipment id and of the equipment under it.
func PlanningsSous(ctx context.Context, id int) (predicate.Planning, error) {
	walk, err := Sous(ctx, id)
	if err != nil {
		return nil, err
	}
	return func(s *entsql.Selector) { s.Where(entsql.In(s.C(planning.FieldEquipementID), walk())) }, nil
}

// checkParent refuses parentID as the parent of equipment e (nil: a new one): NOT_FOUND when
// the caller does not read it, BAD_USER_INPUT when it is e itself or one of e's parts, since
// the parts would then hang from nothing.
func checkParent(ctx context.Context, tx *ent.Client, e *ent.Equipement, parentID int) error {
	parent, err := tx.Equipement.Get(ctx, parentID)
	switch {
	case ent.IsNotFound(err):
		return domain.Errorf(domain.CodeNotFound, "parent equipement %d not found", parentID)
	case err != nil:
		return fmt.Errorf("reading equipement %d: %w", parentID, err)
	case e == nil:
		return nil
	case parent.ID == e.ID:
		return domain.Errorf(domain.CodeBadUserInput, "parentID: the equipement %s cannot be part of itself", e.Code)
	}
	// Staff write and read every equipment: the walk sees every part.
	walk, err := Sous(ctx, e.ID)
	if err != nil {
		return err
	}
	under, err := tx.Equipement.Query().
		Where(equipement.ID(parent.ID), func(s *entsql.Selector) { s.Where(entsql.In(s.C(equipement.FieldID), walk())) }).
		Exist(ctx)
	if err != nil {
		return fmt.Errorf("walking the parts of equipement %d: %w", e.ID, err)
	}
	if under {
		return domain.Errorf(domain.CodeBadUserInput, "parentID: the equipement %s is a part of %s, which cannot be part of it (a cycle)", parent.Code, e.Code)
	}
	return nil
}
