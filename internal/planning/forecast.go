package planning

import (
	"context"
	"math"
	"time"

	"github.com/mifmaroc/erp/ent"
	entplanning "github.com/mifmaroc/erp/ent/planning"
	"github.com/mifmaroc/erp/internal/compteur"
	"github.com/mifmaroc/erp/internal/domain"
)

// Bases of a forecast occurrence: the calendar, or the meter's rate of use.
const (
	BaseCalendrier = "CALENDRIER"
	BaseCompteur   = "COMPTEUR"
)

// JoursTaux is the window of readings, ending at the latest, whose rate of use predicts
// when a meter reaches its thresholds.
const JoursTaux = 30

// meterTrend is what a usage-based forecast starts from: the meter's usage at its latest
// reading, and its rate of use over the JoursTaux days before it (ok false: no rate).
type meterTrend struct {
	last  time.Time
	usage float64
	taux  float64
	ok    bool
}

func (m meterTrend) dateOf(seuil float64) time.Time {
	if seuil <= m.usage {
		return m.last // reached already: due at the next look
	}
	days := (seuil - m.usage) / m.taux
	return m.last.Add(time.Duration(days * 24 * float64(time.Hour)))
}

func (s *Service) trend(ctx context.Context, compteurID int) (meterTrend, error) {
	pts, err := compteur.Points(ctx, s.Client, compteurID)
	if err != nil || len(pts) == 0 {
		return meterTrend{}, err
	}
	usage := compteur.Usage(pts)
	last := pts[len(pts)-1].Date
	t := meterTrend{last: last, usage: usage[len(usage)-1]}
	t.taux, t.ok = compteur.Taux(pts, last.AddDate(0, 0, -JoursTaux), last)
	// A meter that did not move predicts nothing (no date is ever reached).
	t.ok = t.ok && t.taux > 0 && !math.IsInf(t.taux, 0)
	return t, nil
}

// forecastCompteur lists the occurrences of usage-based planning p in [from, to), at most
// limit: the dates its meter reaches its next thresholds at its rate of use, and for
// PREMIER_ATTEINT whichever comes first of those and the calendar, each occurrence
// restarting both. Without a rate, a COMPTEUR planning has no forecast and a PREMIER_ATTEINT
// one follows its calendar.
func (s *Service) forecastCompteur(ctx context.Context, p *ent.Planning, from, to time.Time, limit int) ([]Forecasted, error) {
	if p.CompteurID == nil || p.IntervalleCompteur == nil || *p.IntervalleCompteur <= 0 {
		return nil, nil
	}
	step := *p.IntervalleCompteur
	m, err := s.trend(ctx, *p.CompteurID)
	if err != nil {
		return nil, err
	}
	seuil := PremierSeuil(m.usage, step)
	if p.ProchainSeuil != nil {
		seuil = *p.ProchainSeuil
	}
	calendar := p.Declencheur == entplanning.DeclencheurPREMIER_ATTEINT && InBounds(p.Frequence, p.Intervalle)
	if !m.ok && !calendar {
		return nil, nil
	}
	var taux *float64
	if m.ok {
		taux = &m.taux
	}
	cal := p.ProchaineDate
	var out []Forecasted
	for range MaxOccurrences {
		f := Forecasted{Planning: p, Base: BaseCompteur, Taux: taux}
		if m.ok && (!calendar || m.dateOf(seuil).Before(cal)) {
			f.Date = m.dateOf(seuil)
			f.Seuil = ptr(seuil)
		} else {
			f.Date, f.Base = cal, BaseCalendrier
		}
		if !f.Date.Before(to) || len(out) >= limit {
			break
		}
		if !f.Date.Before(from) {
			f.Date = f.Date.UTC()
			out = append(out, f)
		}
		if calendar {
			cal = Next(s.Zone.In(f.Date), p.Frequence, p.Intervalle, f.Date)
		}
		switch {
		case f.Base == BaseCompteur:
			seuil = SeuilSuivant(seuil, step, seuil)
		case m.ok:
			// The calendar came first: the meter restarts from its usage then.
			seuil = m.usage + m.taux*math.Max(0, f.Date.Sub(m.last).Hours()/24) + step
		}
	}
	return out, nil
}

func ptr[T any](v T) *T { return &v }

// MaxForecastOccurrences bounds the occurrences PlanningForecast gives.
const MaxForecastOccurrences = 100

// PlanningForecast lists, in date order, the next n occurrences of planning id from from on
// (before to, when not zero): those of its calendar, or those its meter's rate of use
// predicts (see forecastCompteur), each with its basis. Staff only (the plannings' rule).
// Errors: NOT_FOUND, BAD_USER_INPUT (n out of 1 to MaxForecastOccurrences, to before from).
func (s *Service) PlanningForecast(ctx context.Context, id int, from, to time.Time, n int) ([]Forecasted, error) {
	if n < 1 || n > MaxForecastOccurrences {
		return nil, domain.Errorf(domain.CodeBadUserInput, "occurrences: from 1 to %d", MaxForecastOccurrences)
	}
	if to.IsZero() {
		to = from.AddDate(100, 0, 0)
	} else if !to.After(from) {
		return nil, domain.Errorf(domain.CodeBadUserInput, "to must be after from")
	}
	p, err := s.Client.Planning.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "planning %d not found", id)
	} else if err != nil {
		return nil, err
	}
	if p.Statut != domain.PlanningActif {
		return nil, nil
	}
	if usesCompteur(p) {
		return s.forecastCompteur(ctx, p, from, to, n)
	}
	if !InBounds(p.Frequence, p.Intervalle) {
		return nil, nil
	}
	start := from
	if p.ProchaineDate.After(start) {
		start = p.ProchaineDate
	}
	var out []Forecasted
	for _, d := range Between(anchorOf(p, s.Zone), p.Frequence, p.Intervalle, start, to, n) {
		out = append(out, Forecasted{Planning: p, Date: d.UTC(), Base: BaseCalendrier})
	}
	return out, nil
}
