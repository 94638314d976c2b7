package intervention

import (
	"context"
	"fmt"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/tempspasse"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Time entries (TempsPasse): technicians log the time they work on an intervention, started
// and stopped on the spot or entered afterwards; several may log on one job. Each entry keeps
// the rate its technician had when it was logged, and the labour cost is their sum (Compute).
// dureeReelle keeps reading the status history.

// Saisie is time entered afterwards.
type Saisie struct {
	Debut        time.Time
	DureeMinutes int
	Note         *string
	// TechnicienID is whose time it is: staff name him; a technician logs his own (nil).
	TechnicienID *int
}

// Correction changes an entry; nil leaves a field as it is.
type Correction struct {
	Debut        *time.Time
	DureeMinutes *int
	Note         *string
}

// StartTime starts a running entry for the technician on the intervention. Errors: NOT_FOUND
// (intervention or technician not visible), LOCKED (closed work), FORBIDDEN (another
// technician's time, a CLIENT), TECHNICIAN_INACTIVE, CONFLICT (he already has a running
// entry: stop it first).
func (s *Service) StartTime(ctx context.Context, ivID int, techID *int, note *string) (*ent.TempsPasse, error) {
	return s.newEntry(ctx, ivID, techID, note, func(c *ent.TempsPasseCreate, now time.Time) error {
		c.SetDebut(now)
		return nil
	})
}

// LogTime records time worked afterwards: dureeMinutes from debut. Errors: as StartTime, and
// BAD_USER_INPUT (a duration out of range, a start in the future).
func (s *Service) LogTime(ctx context.Context, ivID int, in Saisie) (*ent.TempsPasse, error) {
	return s.newEntry(ctx, ivID, in.TechnicienID, in.Note, func(c *ent.TempsPasseCreate, now time.Time) error {
		if err := checkPeriod(in.Debut, in.DureeMinutes, now); err != nil {
			return err
		}
		c.SetDebut(in.Debut).SetDureeMinutes(in.DureeMinutes).SetFin(in.Debut.Add(time.Duration(in.DureeMinutes) * time.Minute))
		return nil
	})
}

func checkPeriod(debut time.Time, minutes int, now time.Time) error {
	if minutes < 1 || minutes > domain.MaxDureeMinutes {
		return domain.Errorf(domain.CodeBadUserInput, "dureeMinutes must be between 1 and %d", domain.MaxDureeMinutes)
	}
	if debut.After(now) {
		return domain.Errorf(domain.CodeBadUserInput, "debut %s is in the future: log time already worked", debut.UTC().Format(time.RFC3339))
	}
	return nil
}

// newEntry is the frame of StartTime and LogTime: the intervention the viewer sees and may
// log on, the technician whose time it is, his rate now, and the entry set completes.
func (s *Service) newEntry(ctx context.Context, ivID int, techID *int, note *string,
	set func(c *ent.TempsPasseCreate, now time.Time) error) (*ent.TempsPasse, error) {
	v := viewer.FromContext(ctx)
	iv, err := s.load(ctx, ivID)
	if err != nil {
		return nil, err
	}
	if Locked(iv.Statut) {
		return nil, errLocked(iv.Statut)
	}
	tech, err := s.worker(ctx, v, techID)
	if err != nil {
		return nil, err
	}
	if err := checkNote(note); err != nil {
		return nil, err
	}
	now := s.Now()
	c := s.Client.TempsPasse.Create().
		SetInterventionID(ivID).
		SetTechnicienID(tech.ID).
		SetUserID(v.UserID).
		SetTauxHoraireCentimes(tech.TauxHoraireCentimes).
		SetNillableNote(note)
	if err := set(c, now); err != nil {
		return nil, err
	}
	e, err := c.Save(ctx)
	if ent.IsConstraintError(err) {
		return nil, domain.Errorf(domain.CodeConflict, "technician %d already has a running time entry: stop it first", tech.ID)
	}
	if err != nil {
		return nil, fmt.Errorf("logging time on intervention %d: %w", ivID, err)
	}
	return e, nil
}

func checkNote(note *string) error {
	if note != nil && len([]rune(*note)) > 1000 {
		return domain.Errorf(domain.CodeBadUserInput, "note: at most 1,000 characters")
	}
	return nil
}

// worker is the technician whose time the viewer logs: a technician his own (another's is
// FORBIDDEN); staff the one they name, who must be active.
func (s *Service) worker(ctx context.Context, v *viewer.Viewer, techID *int) (*ent.Technicien, error) {
	switch {
	case v.Is(domain.RoleTechnicien):
		if v.TechnicienID == 0 || (techID != nil && *techID != v.TechnicienID) {
			return nil, domain.Errorf(domain.CodeForbidden, "a technician logs his own time only")
		}
		techID = &v.TechnicienID
	case v.Staff():
		if techID == nil {
			return nil, domain.Errorf(domain.CodeBadUserInput, "technicienId: say whose time it is")
		}
	default:
		return nil, domain.Errorf(domain.CodeForbidden, "only technicians and staff log time")
	}
	t, err := s.Client.Technicien.Get(viewer.SystemContext(ctx), *techID)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "technicien %d not found", *techID)
	} else if err != nil {
		return nil, err
	}
	if !t.Actif {
		return nil, domain.Errorf(domain.CodeTechnicianInactive, "technicien %d is no longer active", t.ID)
	}
	return t, nil
}

// StopTime stops a running entry: its technician, its author or staff. Errors: NOT_FOUND,
// CONFLICT (not running), FORBIDDEN.
func (s *Service) StopTime(ctx context.Context, id int) (*ent.TempsPasse, error) {
	v := viewer.FromContext(ctx)
	e, err := s.entry(ctx, id)
	if err != nil {
		return nil, err
	}
	if !v.Staff() && e.UserID != v.UserID && e.TechnicienID != v.TechnicienID {
		return nil, domain.Errorf(domain.CodeForbidden, "only its technician, its author or staff stop a time entry")
	}
	now := s.Now()
	n, err := s.Client.TempsPasse.Update().
		Where(tempspasse.ID(id), tempspasse.FinIsNil()).
		SetFin(now).
		SetDureeMinutes(max(0, minutes(now.Sub(e.Debut)))).
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("stopping time entry %d: %w", id, err)
	}
	if n == 0 {
		return nil, domain.Errorf(domain.CodeConflict, "time entry %d is not running", id)
	}
	return s.Client.TempsPasse.Get(ctx, id)
}

// CorrectTime changes an entry that stopped: its author while the work is open, staff also
// after (not once archived), with an audit line in the intervention's history. Errors:
// NOT_FOUND, FORBIDDEN, LOCKED, CONFLICT (still running: stop it first), BAD_USER_INPUT.
func (s *Service) CorrectTime(ctx context.Context, id int, c Correction) (*ent.TempsPasse, error) {
	if err := checkNote(c.Note); err != nil {
		return nil, err
	}
	var out *ent.TempsPasse
	err := s.changeEntry(ctx, id, func(tx *ent.Client, e *ent.TempsPasse, now time.Time) (*Change, error) {
		if e.Fin == nil {
			return nil, domain.Errorf(domain.CodeConflict, "time entry %d is running: stop it before correcting it", id)
		}
		debut, dur := e.Debut, *e.DureeMinutes
		if c.Debut != nil {
			debut = *c.Debut
		}
		if c.DureeMinutes != nil {
			dur = *c.DureeMinutes
		}
		if err := checkPeriod(debut, dur, now); err != nil {
			return nil, err
		}
		var err error
		out, err = tx.TempsPasse.UpdateOneID(id).
			SetDebut(debut).
			SetDureeMinutes(dur).
			SetFin(debut.Add(time.Duration(dur) * time.Minute)).
			SetNillableNote(c.Note).
			Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("correcting time entry %d: %w", id, err)
		}
		return &Change{Champ: "temps", Ancienne: entryText(e), Nouvelle: entryText(out)}, nil
	})
	return out, err
}

// DeleteTime removes an entry, with the same rights as CorrectTime and an audit line.
func (s *Service) DeleteTime(ctx context.Context, id int) error {
	return s.changeEntry(ctx, id, func(tx *ent.Client, e *ent.TempsPasse, _ time.Time) (*Change, error) {
		if err := tx.TempsPasse.DeleteOneID(id).Exec(ctx); err != nil {
			return nil, fmt.Errorf("deleting time entry %d: %w", id, err)
		}
		return &Change{Champ: "temps", Ancienne: entryText(e)}, nil
	})
}

// changeEntry is the frame of corrections and deletions: the entry and its intervention as
// the viewer sees them, who may change it, then in one transaction the change and its audit
// line.
func (s *Service) changeEntry(ctx context.Context, id int, change func(tx *ent.Client, e *ent.TempsPasse, now time.Time) (*Change, error)) error {
	v := viewer.FromContext(ctx)
	e, err := s.entry(ctx, id)
	if err != nil {
		return err
	}
	iv, err := s.load(ctx, e.InterventionID)
	if err != nil {
		return err
	}
	switch {
	case v.Staff():
		if iv.Statut == domain.StatutArchivee {
			return errLocked(iv.Statut)
		}
	case e.UserID != v.UserID:
		return domain.Errorf(domain.CodeForbidden, "only its author or staff change a time entry")
	case Locked(iv.Statut):
		return domain.Errorf(domain.CodeLocked, "the intervention is %s: only staff correct its time now", iv.Statut)
	}
	now := s.Now()
	return database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
		c, err := change(tx, e, now)
		if err != nil {
			return err
		}
		return writeChanges(ctx, tx, iv, v.UserID, now, []Change{*c})
	})
}

func (s *Service) entry(ctx context.Context, id int) (*ent.TempsPasse, error) {
	e, err := s.Client.TempsPasse.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "time entry %d not found", id)
	}
	return e, err
}

// entryText is an entry as an audit line shows it.
func entryText(e *ent.TempsPasse) *string {
	d := 0
	if e.DureeMinutes != nil {
		d = *e.DureeMinutes
	}
	t := fmt.Sprintf("%d min à partir de %s (technicien %d)", d, e.Debut.UTC().Format(time.RFC3339), e.TechnicienID)
	return &t
}
