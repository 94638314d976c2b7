package intervention

import (
	"time"

	"github.com/mifmaroc/erp/internal/domain"
)

// SLA gives the deadline after creation for each priority; a priority absent from the map
// has none. The values come from SLA_HOURS (internal/config).
type SLA map[domain.Priorite]time.Duration

// Deadline is the SLA deadline of an intervention created at created with priority p, or
// nil when p has none.
func (s SLA) Deadline(created time.Time, p domain.Priorite) *time.Time {
	d, ok := s[p]
	if !ok {
		return nil
	}
	t := created.Add(d)
	return &t
}

// Step is one status change of the history: at At the intervention entered Statut.
type Step struct {
	Statut domain.InterventionStatut
	At     time.Time
}

// Facts are what the KPIs are computed from.
type Facts struct {
	Statut          domain.InterventionStatut
	DateCreation    time.Time
	DateLimite      *time.Time
	DateCloture     *time.Time
	History         []Step // in time order
	TauxHoraire     int64  // centimes per hour of the assigned technician
	CoutPieces      int64  // Σ quantity × unit price, centimes
	DureeEstimeeMin *int
}

// KPIs of an intervention (SPEC.md). Durations are in minutes.
type KPIs struct {
	DelaiEcoule        int   // minutes from creation to closure, or to now while open
	DelaiRestant       *int  // minutes left before the deadline (negative when late); nil without deadline or once closed
	EnRetard           bool  // the deadline passed while the work was still open
	DureeReelle        int   // minutes actually spent EN_COURS, pauses excluded
	CoutPieces         int64 // centimes
	CoutMainOeuvre     int64 // centimes: DureeReelle × hourly rate
	CoutTotal          int64 // centimes
	SLARespecte        *bool // nil without deadline; else whether the work ended (or, while open, still is) in time
	DepassementEstimee *int  // DureeReelle − DureeEstimee, nil without estimate
}

// Compute derives the KPIs at instant now.
func Compute(f Facts, now time.Time) KPIs {
	end := now
	if !f.Statut.Open() {
		if f.DateCloture != nil {
			end = *f.DateCloture
		} else if n := len(f.History); n > 0 {
			end = f.History[n-1].At
		}
	}
	k := KPIs{
		DelaiEcoule: minutes(end.Sub(f.DateCreation)),
		DureeReelle: enCoursMinutes(f.History, now),
		CoutPieces:  f.CoutPieces,
	}
	k.CoutMainOeuvre = int64(k.DureeReelle) * f.TauxHoraire / 60
	k.CoutTotal = k.CoutPieces + k.CoutMainOeuvre
	if f.DateLimite != nil {
		inTime := !end.After(*f.DateLimite)
		k.SLARespecte = &inTime
		if f.Statut.Open() {
			left := minutes(f.DateLimite.Sub(now))
			k.DelaiRestant = &left
			k.EnRetard = now.After(*f.DateLimite)
		} else {
			k.EnRetard = !inTime && f.Statut != domain.StatutAnnulee
		}
	}
	if f.DureeEstimeeMin != nil {
		d := k.DureeReelle - *f.DureeEstimeeMin
		k.DepassementEstimee = &d
	}
	return k
}

// enCoursMinutes sums the periods spent EN_COURS; a period still running counts up to now.
func enCoursMinutes(history []Step, now time.Time) int {
	var total time.Duration
	var since *time.Time
	for _, s := range history {
		switch {
		case s.Statut == domain.StatutEnCours && since == nil:
			at := s.At
			since = &at
		case s.Statut != domain.StatutEnCours && since != nil:
			total += s.At.Sub(*since)
			since = nil
		}
	}
	if since != nil {
		total += now.Sub(*since)
	}
	return minutes(total)
}

// minutes rounds toward zero.
func minutes(d time.Duration) int { return int(d / time.Minute) }
