package intervention

import (
	"math"
	"math/bits"
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
	CoutPieces      int64  // Σ quantity × unit price, centimes (see PartsCost)
	DureeEstimeeMin *int
	// CostErr is why CoutPieces could not be summed (ErrCostOverflow), nil when it was.
	CostErr error
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
	// CostErr is why the costs could not be computed (ErrCostOverflow); the costs are then
	// zero and must not be shown.
	CostErr error
}

// ErrCostOverflow: a cost exceeds the largest amount int64 centimes hold. The bounds of
// rates, prices and quantities (domain.Max…) keep every cost far below it; only data
// written before those bounds, or around them, gets there.
var ErrCostOverflow = &domain.Error{
	Code:    domain.CodeInternal,
	Message: "the costs of this intervention exceed the amounts the server can count: a rate, price or quantity is beyond its documented bound",
}

// LineCost is quantite × prixCentimes; ErrCostOverflow when it does not fit.
func LineCost(quantite int, prixCentimes int64) (int64, error) {
	if quantite < 0 || prixCentimes < 0 {
		return 0, ErrCostOverflow
	}
	hi, lo := bits.Mul64(uint64(quantite), uint64(prixCentimes))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, ErrCostOverflow
	}
	return int64(lo), nil
}

// AddCost is a + b for non-negative costs; ErrCostOverflow when it does not fit.
func AddCost(a, b int64) (int64, error) {
	if a < 0 || b < 0 || a > math.MaxInt64-b {
		return 0, ErrCostOverflow
	}
	return a + b, nil
}

// labourCost is minutes × rate centimes per hour, rounded down, computed on 128 bits so
// that the product cannot wrap; ErrCostOverflow when the result does not fit.
func labourCost(minutes int, rate int64) (int64, error) {
	if minutes < 0 || rate < 0 {
		return 0, ErrCostOverflow
	}
	hi, lo := bits.Mul64(uint64(minutes), uint64(rate))
	if hi >= 60 {
		return 0, ErrCostOverflow
	}
	q, _ := bits.Div64(hi, lo, 60)
	if q > math.MaxInt64 {
		return 0, ErrCostOverflow
	}
	return int64(q), nil
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
	}
	k.CoutPieces, k.CoutMainOeuvre, k.CoutTotal, k.CostErr = costs(f, k.DureeReelle)
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

// costs are the parts, labour and total costs, all zero with the error when one overflows.
func costs(f Facts, dureeReelle int) (pieces, labour, total int64, err error) {
	if f.CostErr != nil {
		return 0, 0, 0, f.CostErr
	}
	if f.CoutPieces < 0 {
		return 0, 0, 0, ErrCostOverflow
	}
	if labour, err = labourCost(dureeReelle, f.TauxHoraire); err != nil {
		return 0, 0, 0, err
	}
	if total, err = AddCost(f.CoutPieces, labour); err != nil {
		return 0, 0, 0, err
	}
	return f.CoutPieces, labour, total, nil
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
