package planning

// Usage-based plannings: a planning may name a meter (compteur_id) and a step
// (intervalle_compteur) and fall due each time the meter's cumulative usage reaches its
// prochain_seuil (declencheur COMPTEUR), or at whichever comes first of that and its
// calendar (PREMIER_ATTEINT). An occurrence is created when a reading is recorded
// (DeclencherCompteur) and, as a catch-up, at each scheduler run; both take the same guarded
// path, so that a threshold gives one intervention however many times it is looked at.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/mifmaroc/erp/ent"
	entplanning "github.com/mifmaroc/erp/ent/planning"
	"github.com/mifmaroc/erp/ent/predicate"
	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/compteur"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/pubsub"
	"github.com/mifmaroc/erp/internal/viewer"
)

// PremierSeuil is the first threshold of a plan every n units on a meter whose usage is u:
// the first multiple of n above u, so that a 500-hour plan falls due at 500, 1000, 1500
// hours of the meter, whenever it was created.
func PremierSeuil(u, n float64) float64 {
	return (math.Floor(u/n) + 1) * n
}

// SeuilSuivant is the threshold after seuil, once the usage reached u: seuil moved on by as
// many steps n as needed to pass u (one occurrence, however many steps a reading crossed,
// as the calendar creates one however many periods were missed).
func SeuilSuivant(seuil, n, u float64) float64 {
	if u < seuil {
		return seuil
	}
	return seuil + (math.Floor((u-seuil)/n)+1)*n
}

// usesCompteur reports whether p's occurrences follow its meter.
func usesCompteur(p *ent.Planning) bool {
	return p.Declencheur == entplanning.DeclencheurCOMPTEUR || p.Declencheur == entplanning.DeclencheurPREMIER_ATTEINT
}

// DeclencherCompteur creates the occurrences due on the usage-based plannings of meter
// compteurID, after a reading of it was stored. A planning's failure is logged and left to
// the next scheduler run, which tries again: the reading stays recorded.
func (r *Runner) DeclencherCompteur(ctx context.Context, compteurID int) {
	work := context.WithoutCancel(ctx)
	sys := viewer.SystemContext(work)
	system, err := auth.EnsureSystemUser(work, r.Client)
	if err != nil {
		r.Log.ErrorContext(ctx, "usage-based plannings: no system user", "compteur_id", compteurID, "error", err)
		return
	}
	ps, err := r.compteurPlannings(sys, entplanning.CompteurID(compteurID))
	if err != nil {
		r.Log.ErrorContext(ctx, "usage-based plannings: reading them", "compteur_id", compteurID, "error", err)
		return
	}
	for _, p := range ps {
		if _, err := r.runCompteur(sys, p, r.Now(), system.ID); err != nil {
			r.Log.WarnContext(ctx, "usage-based planning failed", "planning_id", p.ID, "error", err)
		}
	}
}

func (r *Runner) compteurPlannings(ctx context.Context, where ...predicate.Planning) ([]*ent.Planning, error) {
	return r.Client.Planning.Query().
		Where(entplanning.StatutEQ(domain.PlanningActif), entplanning.CompteurIDNotNil(),
			entplanning.DeclencheurIn(entplanning.DeclencheurCOMPTEUR, entplanning.DeclencheurPREMIER_ATTEINT)).
		Where(where...).
		Order(ent.Asc(entplanning.FieldID)).
		WithTechnicien(func(q *ent.TechnicienQuery) { q.WithUser() }).
		All(ctx)
}

// runCompteurs is the scheduler run's catch-up of usage-based plannings: each one whose
// meter passed its threshold gets its occurrence, if no reading's trigger made it.
func (r *Runner) runCompteurs(ctx context.Context, now time.Time, systemID int) (due, made int, failures []string) {
	ps, err := r.compteurPlannings(ctx)
	if err != nil {
		return 0, 0, []string{"usage-based plannings: " + failure(err)}
	}
	for _, p := range ps {
		o, err := r.runCompteur(ctx, p, now, systemID)
		switch {
		case err != nil:
			due++
			failures = append(failures, fmt.Sprintf("planning %d: %s", p.ID, failure(err)))
		case o == created:
			due++
			made++
		}
	}
	return due, made, failures
}

// runCompteur creates p's occurrence when its meter's usage reached prochain_seuil, dated by
// the reading that reached it, and moves the threshold past the usage, in one transaction
// guarded by the threshold's old value: the reading and the scheduler, or two replicas,
// racing on the same threshold create one intervention. For PREMIER_ATTEINT, the calendar
// restarts from the occurrence.
func (r *Runner) runCompteur(ctx context.Context, p *ent.Planning, now time.Time, systemID int) (outcome, error) {
	if p.IntervalleCompteur == nil || *p.IntervalleCompteur <= 0 || p.CompteurID == nil {
		return skipped, domain.Errorf(domain.CodeBadUserInput, "planning %d follows a meter but has no compteur or intervalleCompteur: correct it", p.ID)
	}
	step := *p.IntervalleCompteur
	pts, err := compteur.Points(ctx, r.Client, *p.CompteurID)
	if err != nil || len(pts) == 0 {
		return skipped, err
	}
	usage := compteur.Usage(pts)
	u := usage[len(usage)-1]
	if p.ProchainSeuil == nil {
		// Written before its meter had a threshold: it starts counting now.
		_, err := r.Client.Planning.Update().
			Where(entplanning.ID(p.ID), entplanning.ProchainSeuilIsNil()).
			SetProchainSeuil(PremierSeuil(u, step)).Save(ctx)
		return skipped, err
	}
	seuil := *p.ProchainSeuil
	if u < seuil {
		return skipped, nil
	}
	i := 0
	for usage[i] < seuil {
		i++
	}
	occ := pts[i].Date
	result := skipped
	var events []pubsub.Event
	err = r.inTx(ctx, &events, func(tx *ent.Client) error {
		var made bool
		if events, made, err = r.createOnce(ctx, tx, p, occ, now, systemID); err != nil {
			return err
		} else if made {
			result = created
		}
		up := tx.Planning.Update().
			Where(entplanning.ID(p.ID), entplanning.ProchainSeuil(seuil)).
			SetProchainSeuil(SeuilSuivant(seuil, step, u)).
			SetDerniereDate(occ)
		if p.Declencheur == entplanning.DeclencheurPREMIER_ATTEINT && InBounds(p.Frequence, p.Intervalle) {
			// Whichever comes first: the work done restarts the calendar too.
			anchor := r.Zone.In(occ)
			up.SetDateDebut(anchor).SetProchaineDate(Next(anchor, p.Frequence, p.Intervalle, now))
		}
		n, err := up.Save(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return errHandledElsewhere
		}
		return nil
	})
	return r.settle(result, err)
}

// restartCompteur restarts the meter of a PREMIER_ATTEINT planning after its calendar made
// an occurrence: the next threshold is a step above the usage now.
func restartCompteur(ctx context.Context, tx *ent.Client, p *ent.Planning) error {
	if p.Declencheur != entplanning.DeclencheurPREMIER_ATTEINT || p.CompteurID == nil ||
		p.IntervalleCompteur == nil || *p.IntervalleCompteur <= 0 {
		return nil
	}
	pts, err := compteur.Points(ctx, tx, *p.CompteurID)
	if err != nil {
		return err
	}
	var u float64
	if usage := compteur.Usage(pts); len(usage) > 0 {
		u = usage[len(usage)-1]
	}
	return tx.Planning.UpdateOneID(p.ID).SetProchainSeuil(u + *p.IntervalleCompteur).Exec(ctx)
}

// settle is the end of a planning's transaction, calendar or meter: a planning another run
// (another replica) handled meanwhile is skipped.
func (r *Runner) settle(result outcome, err error) (outcome, error) {
	switch {
	case err == nil:
		return result, nil
	case errors.Is(err, errHandledElsewhere) || ent.IsConstraintError(err):
		return skipped, nil
	default:
		return skipped, err
	}
}

// meterRule is the meter part of a planning as written: checked by checkCompteur.
type meterRule struct {
	declencheur  entplanning.Declencheur
	equipementID int
	compteurID   *int
	intervalle   *float64
}

// checkCompteur checks a planning's meter rule: COMPTEUR and PREMIER_ATTEINT need a meter
// of the planning's own equipement and a step above 0; CALENDRIER takes neither. It
// returns the meter's usage now, from which the first threshold is counted.
// Errors: BAD_USER_INPUT, NOT_FOUND (compteur).
func (s *Service) checkCompteur(ctx context.Context, r meterRule) (float64, error) {
	if r.declencheur == entplanning.DeclencheurCALENDRIER {
		if r.compteurID != nil || r.intervalle != nil {
			return 0, domain.Errorf(domain.CodeBadUserInput,
				"compteurID and intervalleCompteur are for a declencheur COMPTEUR or PREMIER_ATTEINT")
		}
		return 0, nil
	}
	if r.compteurID == nil || r.intervalle == nil {
		return 0, domain.Errorf(domain.CodeBadUserInput, "declencheur %s needs compteurID and intervalleCompteur", r.declencheur)
	}
	if n := *r.intervalle; !(n > 0) || math.IsInf(n, 0) {
		return 0, domain.Errorf(domain.CodeBadUserInput, "intervalleCompteur: a number above 0")
	}
	c, err := s.Client.Compteur.Get(ctx, *r.compteurID)
	if ent.IsNotFound(err) {
		return 0, domain.Errorf(domain.CodeNotFound, "compteur %d not found", *r.compteurID)
	} else if err != nil {
		return 0, err
	}
	if c.EquipementID != r.equipementID {
		return 0, domain.Errorf(domain.CodeBadUserInput, "compteur %q is not on the planning's equipement", c.Nom)
	}
	pts, err := compteur.Points(ctx, s.Client, c.ID)
	if err != nil || len(pts) == 0 {
		return 0, err
	}
	usage := compteur.Usage(pts)
	return usage[len(usage)-1], nil
}

// checkCompteurCreate checks the meter rule of a new planning and sets its first threshold
// when not given. A meter and a step without a declencheur mean COMPTEUR.
func (s *Service) checkCompteurCreate(ctx context.Context, in *ent.CreatePlanningInput) error {
	if in.Declencheur == nil {
		d := entplanning.DeclencheurCALENDRIER
		if in.CompteurID != nil && in.IntervalleCompteur != nil {
			d = entplanning.DeclencheurCOMPTEUR
		}
		in.Declencheur = &d
	}
	u, err := s.checkCompteur(ctx, meterRule{*in.Declencheur, in.EquipementID, in.CompteurID, in.IntervalleCompteur})
	if err != nil {
		return err
	}
	if *in.Declencheur != entplanning.DeclencheurCALENDRIER && in.ProchainSeuil == nil {
		in.ProchainSeuil = ptr(PremierSeuil(u, *in.IntervalleCompteur))
	}
	return nil
}

// checkCompteurUpdate checks the meter rule p has once in applies; a new meter or step
// recounts the threshold from the meter's usage, unless prochainSeuil is given.
func (s *Service) checkCompteurUpdate(ctx context.Context, p *ent.Planning, in *ent.UpdatePlanningInput) error {
	if in.Declencheur == nil && in.CompteurID == nil && in.IntervalleCompteur == nil && !in.ClearCompteur && !in.ClearIntervalleCompteur && in.EquipementID == nil {
		return nil
	}
	r := meterRule{p.Declencheur, p.EquipementID, p.CompteurID, p.IntervalleCompteur}
	if in.Declencheur != nil {
		r.declencheur = *in.Declencheur
	}
	if in.EquipementID != nil {
		r.equipementID = *in.EquipementID
	}
	if in.ClearCompteur {
		r.compteurID = nil
	}
	if in.CompteurID != nil {
		r.compteurID = in.CompteurID
	}
	if in.ClearIntervalleCompteur {
		r.intervalle = nil
	}
	if in.IntervalleCompteur != nil {
		r.intervalle = in.IntervalleCompteur
	}
	u, err := s.checkCompteur(ctx, r)
	if err != nil {
		return err
	}
	recount := in.CompteurID != nil || in.IntervalleCompteur != nil || p.ProchainSeuil == nil
	if r.declencheur != entplanning.DeclencheurCALENDRIER && in.ProchainSeuil == nil && recount {
		in.ProchainSeuil = ptr(PremierSeuil(u, *r.intervalle))
	}
	return nil
}
