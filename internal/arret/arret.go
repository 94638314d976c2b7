// Package arret keeps the downtime of equipment: the one home of the rule that puts an
// equipment out of service (statut PANNE) and back, and records each stop as a period
// (ArretEquipement). Every write that may change it calls in here, inside its own
// transaction: the intervention write paths (Follow) and the manual statut changes of
// equipment (Manual).
//
// The rule: an equipment is stopped while corrective work on it that declares the stop
// (Intervention.arretEquipement) is open (not CLOTUREE, ANNULEE nor ARCHIVEE), or from the
// moment staff set it PANNE by hand until they set another statut. The first such cause opens
// a stop (its cause: that intervention, none when set by hand) and sets the equipment PANNE;
// the stop ends, and a PANNE equipment goes back OPERATIONNEL, when the last open cause goes:
// its work closes or is cancelled, drops the declaration or moves to another equipment. Staff
// setting the statut by hand end the stop whatever work is still open; a later change of that
// work opens a new one. An equipment has at most one running stop (a unique index).
package arret

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/arretequipement"
	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/viewer"
)

// closed are the statuses of work that no longer keeps its equipment stopped.
var closed = []domain.InterventionStatut{domain.StatutCloturee, domain.StatutAnnulee, domain.StatutArchivee}

// Stops reports whether iv, as it stands, keeps its equipment stopped (nil: no intervention).
func Stops(iv *ent.Intervention) bool {
	if iv == nil || !iv.ArretEquipement || iv.Type != domain.TypeCorrective || iv.EquipementID == nil {
		return false
	}
	for _, s := range closed {
		if iv.Statut == s {
			return false
		}
	}
	return true
}

// Follow brings the stops in step with a write of an intervention: before is the row as it was
// (nil when the write opened it), after as the write left it; by is the user who wrote it.
// It runs in the write's transaction tx.
func Follow(ctx context.Context, tx *ent.Client, before, after *ent.Intervention, by int, now time.Time) error {
	was, is := Stops(before), Stops(after)
	moved := was && is && *before.EquipementID != *after.EquipementID
	if was && (!is || moved) {
		if err := release(ctx, tx, *before.EquipementID, now); err != nil {
			return err
		}
	}
	if is && (!was || moved) {
		return start(ctx, tx, *after.EquipementID, &after.ID, by, now)
	}
	return nil
}

// Manual records a statut set by hand on equipement id, from before to after: PANNE opens a
// stop without cause (unless one runs), leaving PANNE ends the running stop.
func Manual(ctx context.Context, tx *ent.Client, id int, before, after domain.EquipementStatut, by int, now time.Time) error {
	switch {
	case before == after:
		return nil
	case after == domain.EquipementPanne:
		return start(ctx, tx, id, nil, by, now)
	case before == domain.EquipementPanne:
		return end(ctx, tx, id, now)
	}
	return nil
}

// start opens a stop of equipement id caused by intervention cause (nil: by hand) unless one
// runs, and sets the equipment PANNE unless it is retired.
func start(ctx context.Context, tx *ent.Client, id int, cause *int, by int, now time.Time) error {
	// The server's own consequence of a write the caller was allowed to make: it reads and
	// writes whatever the caller's role may not see.
	sys := viewer.SystemContext(ctx)
	if err := lock(sys, tx, id); err != nil {
		return err
	}
	running, err := tx.ArretEquipement.Query().
		Where(arretequipement.EquipementID(id), arretequipement.FinIsNil()).
		Exist(sys)
	if err != nil {
		return fmt.Errorf("reading the running stop of equipement %d: %w", id, err)
	}
	if !running {
		err := tx.ArretEquipement.Create().
			SetEquipementID(id).
			SetDebut(now).
			SetNillableInterventionID(cause).
			SetUserID(by).
			Exec(sys)
		if err != nil {
			return fmt.Errorf("recording the stop of equipement %d: %w", id, err)
		}
	}
	err = tx.Equipement.Update().
		Where(equipement.ID(id), equipement.StatutIn(domain.EquipementOperationnel, domain.EquipementMaintenance)).
		SetStatut(domain.EquipementPanne).
		Exec(sys)
	if err != nil {
		return fmt.Errorf("setting equipement %d PANNE: %w", id, err)
	}
	return nil
}

// release ends the stop of equipement id, and puts it back OPERATIONNEL, unless open work
// still declares it stopped (the write that calls it has already left that state).
func release(ctx context.Context, tx *ent.Client, id int, now time.Time) error {
	sys := viewer.SystemContext(ctx)
	if err := lock(sys, tx, id); err != nil {
		return err
	}
	others, err := tx.Intervention.Query().
		Where(intervention.EquipementID(id), intervention.ArretEquipement(true),
			intervention.TypeEQ(domain.TypeCorrective), intervention.StatutNotIn(closed...)).
		Exist(sys)
	if err != nil {
		return fmt.Errorf("reading the work that stops equipement %d: %w", id, err)
	}
	if others {
		return nil
	}
	if err := end(ctx, tx, id, now); err != nil {
		return err
	}
	err = tx.Equipement.Update().
		Where(equipement.ID(id), equipement.StatutEQ(domain.EquipementPanne)).
		SetStatut(domain.EquipementOperationnel).
		Exec(sys)
	if err != nil {
		return fmt.Errorf("setting equipement %d OPERATIONNEL: %w", id, err)
	}
	return nil
}

// end closes the running stop of equipement id, if any.
func end(ctx context.Context, tx *ent.Client, id int, now time.Time) error {
	err := tx.ArretEquipement.Update().
		Where(arretequipement.EquipementID(id), arretequipement.FinIsNil()).
		SetFin(now).
		Exec(viewer.SystemContext(ctx))
	if err != nil {
		return fmt.Errorf("ending the stop of equipement %d: %w", id, err)
	}
	return nil
}

// lock takes the equipment's row until tx ends (FOR UPDATE on PostgreSQL; SQLite runs one
// writing transaction at a time), so that two writes on its work decide its stop one after
// the other: two closures at once would otherwise each see the other's work still open and
// leave the stop running.
func lock(ctx context.Context, tx *ent.Client, id int) error {
	_, err := tx.Equipement.Query().
		Where(equipement.ID(id)).
		Modify(func(s *entsql.Selector) {
			if s.Dialect() == dialect.Postgres {
				s.ForUpdate()
			}
		}).
		Only(ctx)
	if err != nil {
		return fmt.Errorf("locking equipement %d: %w", id, err)
	}
	return nil
}
