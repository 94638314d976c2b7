package intervention

import (
	"math"
	"math/bits"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/clientele"
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

// Under is the deadline of work created at created with priority p under contract c (nil:
// none): the contract's hours for p when it applies then and sets them
// (clientele.Applies, clientele.Hours), the server's default otherwise.
func (s SLA) Under(c *ent.Contrat, created time.Time, p domain.Priorite) *time.Time {
	if clientele.Applies(c, created) {
		if d, ok := clientele.Hours(c, p); ok {
			t := created.Add(d)
			return &t
		}
	}
	return s.Deadline(created, p)
}

// Step is one line of the history: at At the intervention was in Statut, with TechnicienID
// in charge (nil: none, or a line written before the technician was recorded).
type Step struct {
	Statut       domain.InterventionStatut
	At           time.Time
	TechnicienID *int
}

// Need is a set of the facts beyond the intervention's row that a KPI is computed from
// (render.FactColumns reads each from its own table). A KPI computed from facts that hold
// what it needs is the KPI computed from all of them.
type Need uint8

const (
	NeedHistory Need = 1 << iota // History and the rates of the technicians it names (Taux)
	NeedParts                    // CoutPieces and CostErr
	NeedRate                     // TauxHoraire
	NeedTemps                    // Temps

	NeedAll = NeedHistory | NeedParts | NeedRate | NeedTemps
)

// FieldNeeds are, by name of a field computed from the KPIs, the facts its KPI needs.
type FieldNeeds map[string]Need

// Of is what field needs, and whether it is declared: a field not declared needs every
// fact, so that an undeclared KPI field reads too much rather than too little.
func (n FieldNeeds) Of(field string) (need Need, declared bool) {
	if need, declared = n[field]; !declared {
		need = NeedAll
	}
	return need, declared
}

// Facts are what the KPIs are computed from.
type Facts struct {
	Statut       domain.InterventionStatut
	DateCreation time.Time
	DateLimite   *time.Time
	DateCloture  *time.Time
	History      []Step // in time order
	TauxHoraire  int64  // centimes per hour of the assigned technician
	// Taux are the hourly rates of the technicians the history names; time worked under a
	// line that names none is priced at TauxHoraire.
	Taux            map[int]int64
	CoutPieces      int64 // Σ quantity × unit price, centimes (see PartsCost)
	DureeEstimeeMin *int
	// CostErr is why CoutPieces could not be summed (ErrCostOverflow), nil when it was.
	CostErr error
	// Temps is the time logged on the intervention (TempsPasse), in no particular order.
	Temps []Entry
}

// Entry is one time entry as the KPIs read it: its minutes, or the instant it started while
// it runs (Minutes is then ignored), and the rate it is priced at.
type Entry struct {
	Minutes     int
	RunningFrom *time.Time
	Taux        int64 // centimes per hour
}

// minutesAt are the entry's minutes, a running one counting up to now (never negative).
func (e Entry) minutesAt(now time.Time) int {
	if e.RunningFrom == nil {
		return e.Minutes
	}
	return max(0, minutes(now.Sub(*e.RunningFrom)))
}

// KPIs of an intervention (SPEC.md). Durations are in minutes.
type KPIs struct {
	DelaiEcoule        int   // minutes from creation to closure, or to now while open
	DelaiRestant       *int  // minutes left before the deadline (negative when late); nil without deadline or once closed
	EnRetard           bool  // the deadline passed while the work was still open (never for cancelled work)
	DureeReelle        int   // minutes actually spent EN_COURS, pauses excluded
	DureeSaisie        int   // minutes logged (time entries), a running entry up to now
	CoutPieces         int64 // centimes
	CoutMainOeuvre     int64 // centimes: the logged time at its rates, or without any, DureeReelle at the technicians' rates
	CoutTotal          int64 // centimes
	SLARespecte        *bool // nil without deadline or when cancelled; else whether the work ended (or, while open, still is) in time
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
	total, byTech := enCours(f.History, now)
	k := KPIs{
		DelaiEcoule: minutes(end.Sub(f.DateCreation)),
		DureeReelle: minutes(total),
	}
	for _, e := range f.Temps {
		k.DureeSaisie += e.minutesAt(now)
	}
	k.CoutPieces, k.CoutMainOeuvre, k.CoutTotal, k.CostErr = costs(f, byTech, now)
	// Cancelled work has no SLA to keep and is never late: it is left out of both.
	if f.DateLimite != nil && f.Statut != domain.StatutAnnulee {
		inTime := !end.After(*f.DateLimite)
		k.SLARespecte = &inTime
		if f.Statut.Open() {
			left := minutes(f.DateLimite.Sub(now))
			k.DelaiRestant = &left
			k.EnRetard = now.After(*f.DateLimite)
		} else {
			// As the filter enRetard reads it (graph lateFilter): closed after the deadline.
			k.EnRetard = f.DateCloture != nil && f.DateCloture.After(*f.DateLimite)
		}
	}
	if f.DureeEstimeeMin != nil {
		d := k.DureeReelle - *f.DureeEstimeeMin
		k.DepassementEstimee = &d
	}
	return k
}

// costs are the parts, labour and total costs, all zero with the error when one overflows.
// Labour is the time logged, each entry at the rate its technician had when it was logged;
// work on which nobody logged time is priced as before entries existed: each technician's
// minutes EN_COURS at his own rate, so work that changed hands is priced for the time each
// one worked.
func costs(f Facts, byTech map[int]time.Duration, now time.Time) (pieces, labour, total int64, err error) {
	if f.CostErr != nil {
		return 0, 0, 0, f.CostErr
	}
	if f.CoutPieces < 0 {
		return 0, 0, 0, ErrCostOverflow
	}
	for _, e := range f.Temps {
		part, err := labourCost(e.minutesAt(now), e.Taux)
		if err == nil {
			labour, err = AddCost(labour, part)
		}
		if err != nil {
			return 0, 0, 0, err
		}
	}
	if len(f.Temps) > 0 {
		byTech = nil
	}
	for tech, d := range byTech {
		rate, ok := f.Taux[tech]
		if !ok {
			rate = f.TauxHoraire
		}
		part, err := labourCost(minutes(d), rate)
		if err == nil {
			labour, err = AddCost(labour, part)
		}
		if err != nil {
			return 0, 0, 0, err
		}
	}
	if total, err = AddCost(f.CoutPieces, labour); err != nil {
		return 0, 0, 0, err
	}
	return f.CoutPieces, labour, total, nil
}

// enCours sums the periods spent EN_COURS, a period still running counting up to now: in
// all, and per technician in charge (key 0: a line that names none). A period that ends
// before it starts (lines stamped by replicas whose clocks disagree, or a line ahead of now)
// counts as no time rather than as negative time.
func enCours(history []Step, now time.Time) (time.Duration, map[int]time.Duration) {
	var total time.Duration
	by := map[int]time.Duration{}
	var since *time.Time
	who := 0
	add := func(end time.Time) {
		if d := end.Sub(*since); d > 0 {
			total += d
			by[who] += d
		}
		since = nil
	}
	for _, s := range history {
		tech := 0
		if s.TechnicienID != nil {
			tech = *s.TechnicienID
		}
		if since != nil && (s.Statut != domain.StatutEnCours || tech != who) {
			add(s.At)
		}
		if s.Statut == domain.StatutEnCours && since == nil {
			at := s.At
			since, who = &at, tech
		}
	}
	if since != nil {
		add(now)
	}
	return total, by
}

// minutes rounds toward zero.
func minutes(d time.Duration) int { return int(d / time.Minute) }
