package planning

import (
	"context"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/intervention"
	entplanning "github.com/mifmaroc/erp/ent/planning"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/equipement"
	"github.com/mifmaroc/erp/internal/localtime"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Service manages plannings; the access rules let only staff read and write them.
type Service struct {
	Client *ent.Client
	// Zone is the wall clock the plannings recur on (APP_TIMEZONE): the scheduler's.
	Zone localtime.Zone
}

// Create adds a planning. Its first occurrence (prochaineDate) anchors the later ones. Its
// dates are the local times people meant (localtime.Zone.Intended).
// Errors: NOT_FOUND (equipement, technicien), BAD_USER_INPUT (intervalle or dureeEstimee
// out of bounds, empty titre).
func (s *Service) Create(ctx context.Context, in ent.CreatePlanningInput) (*ent.Planning, error) {
	if err := viewer.Require(ctx, "create plannings", domain.RoleAdmin, domain.RoleResponsable); err != nil {
		return nil, err
	}
	if err := s.checkLinks(ctx, &in.EquipementID, in.TechnicienID); err != nil {
		return nil, err
	}
	if err := s.checkCompteurCreate(ctx, &in); err != nil {
		return nil, err
	}
	in.ProchaineDate = s.Zone.Intended(in.ProchaineDate)
	if in.DateDebut == nil {
		in.DateDebut = &in.ProchaineDate
	} else {
		debut := s.Zone.Intended(*in.DateDebut)
		in.DateDebut = &debut
	}
	return s.Client.Planning.Create().SetInput(in).Save(ctx)
}

// Update changes a planning. A new prochaineDate (the local time meant, as in Create),
// frequence or intervalle re-anchors the occurrences on the (new) prochaineDate. A planning on a RETIRE equipement cannot be made
// ACTIF (EQUIPMENT_RETIRED).
func (s *Service) Update(ctx context.Context, id int, in ent.UpdatePlanningInput) (*ent.Planning, error) {
	if err := viewer.Require(ctx, "change plannings", domain.RoleAdmin, domain.RoleResponsable); err != nil {
		return nil, err
	}
	p, err := s.Client.Planning.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "planning %d not found", id)
	} else if err != nil {
		return nil, err
	}
	eq := in.EquipementID
	if eq == nil && in.Statut != nil && *in.Statut == domain.PlanningActif {
		eq = &p.EquipementID // reactivated: its equipement must still take work
	}
	if err := s.checkLinks(ctx, eq, in.TechnicienID); err != nil {
		return nil, err
	}
	if err := s.checkCompteurUpdate(ctx, p, &in); err != nil {
		return nil, err
	}
	if in.ProchaineDate != nil {
		prochaine := s.Zone.Intended(*in.ProchaineDate)
		in.ProchaineDate = &prochaine
	}
	u := s.Client.Planning.UpdateOneID(id).SetInput(in)
	if in.ProchaineDate != nil || in.Frequence != nil || in.Intervalle != nil {
		anchor := p.ProchaineDate
		if in.ProchaineDate != nil {
			anchor = *in.ProchaineDate
		}
		u.SetDateDebut(anchor)
	}
	return u.Save(ctx)
}

// Delete removes a planning that has produced no intervention; otherwise CONFLICT (set its
// statut to TERMINE instead, which keeps the history linked).
func (s *Service) Delete(ctx context.Context, id int) error {
	if err := viewer.Require(ctx, "delete plannings", domain.RoleAdmin, domain.RoleResponsable); err != nil {
		return err
	}
	if _, err := s.Client.Planning.Get(ctx, id); ent.IsNotFound(err) {
		return domain.Errorf(domain.CodeNotFound, "planning %d not found", id)
	} else if err != nil {
		return err
	}
	used, err := s.Client.Intervention.Query().Where(intervention.PlanningID(id)).Exist(viewer.SystemContext(ctx))
	if err != nil {
		return err
	}
	if used {
		return domain.Errorf(domain.CodeConflict, "planning %d has created interventions: set its statut to TERMINE instead", id)
	}
	return s.Client.Planning.DeleteOneID(id).Exec(ctx)
}

func (s *Service) checkLinks(ctx context.Context, equipementID, technicienID *int) error {
	if equipementID != nil {
		if err := equipement.TakesWork(ctx, s.Client, *equipementID); err != nil {
			return err
		}
	}
	if technicienID != nil {
		if _, err := s.Client.Technicien.Get(ctx, *technicienID); ent.IsNotFound(err) {
			return domain.Errorf(domain.CodeNotFound, "technicien %d not found", *technicienID)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// Forecast limits: a window of at most a year and a bounded answer.
const (
	MaxForecastWindow = 366 * 24 * time.Hour
	MaxOccurrences    = 10000
)

// Forecasted is one intervention a planning will create.
type Forecasted struct {
	Planning *ent.Planning
	Date     time.Time
	// Base is BaseCalendrier or BaseCompteur: whether the calendar or the meter's rate of
	// use (Taux, units per day; Seuil, the usage reached then) gives the date.
	Base  string
	Seuil *float64
	Taux  *float64
}

// Forecast lists, in date order, the occurrences active plannings will produce in
// [from, to), from their next due date on: the dates the scheduler gives them (the calendar
// in Zone), as instants in UTC like every date the API returns; a floating planning gives its
// next date only, the later ones depending on when that work is closed. Errors:
// BAD_USER_INPUT for an empty or too long window.
func (s *Service) Forecast(ctx context.Context, from, to time.Time) ([]Forecasted, error) {
	if !to.After(from) {
		return nil, domain.Errorf(domain.CodeBadUserInput, "to must be after from")
	}
	if to.Sub(from) > MaxForecastWindow {
		return nil, domain.Errorf(domain.CodeBadUserInput, "the window is limited to 366 days")
	}
	ps, err := s.Client.Planning.Query().
		Where(entplanning.StatutEQ(domain.PlanningActif),
			entplanning.Or(entplanning.ProchaineDateLT(to), entplanning.DeclencheurNEQ(entplanning.DeclencheurCALENDRIER))).
		Order(ent.Asc(entplanning.FieldID)).
		All(ctx)
	if err != nil {
		return nil, err
	}
	var out []Forecasted
	for _, p := range ps {
		if usesCompteur(p) {
			occ, err := s.forecastCompteur(ctx, p, from, to, MaxOccurrences-len(out))
			if err != nil {
				return nil, err
			}
			out = append(out, occ...)
			continue
		}
		if !InBounds(p.Frequence, p.Intervalle) {
			continue // the scheduler reports it at each run
		}
		if p.Flottant {
			// Its later dates wait for the closure of this one.
			if !p.ProchaineDate.Before(from) {
				out = append(out, Forecasted{Planning: p, Date: p.ProchaineDate.UTC()})
			}
			continue
		}
		anchor := anchorOf(p, s.Zone)
		start := from
		if p.ProchaineDate.After(start) {
			start = p.ProchaineDate
		}
		for _, d := range Between(anchor, p.Frequence, p.Intervalle, start, to, MaxOccurrences-len(out)) {
			out = append(out, Forecasted{Planning: p, Date: d.UTC(), Base: BaseCalendrier})
		}
		if len(out) >= MaxOccurrences {
			return nil, domain.Errorf(domain.CodeBadUserInput, "more than %d occurrences: shorten the window", MaxOccurrences)
		}
	}
	sortByDate(out)
	return out, nil
}
