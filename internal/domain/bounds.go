package domain

import "fmt"

// Bounds of the numbers the API stores, checked by the ent field validators (ent/schema)
// and documented in the fields' descriptions. They keep every cost the API computes
// (parts: quantity × unit price; labour: minutes × hourly rate) far inside int64 centimes,
// and every date the scheduler computes inside what PostgreSQL and RFC 3339 hold.
const (
	// MaxMontantCentimes bounds a unit price or a contract amount (100 million MAD).
	MaxMontantCentimes = 10_000_000_000
	// MaxTauxHoraireCentimes bounds a technician's hourly rate (1 million MAD).
	MaxTauxHoraireCentimes = 100_000_000
	// MaxQuantite bounds a number of units of a part: in stock, the alert threshold, used
	// by one intervention.
	MaxQuantite = 1_000_000
	// MaxDureeMinutes bounds an estimated duration (nearly two years).
	MaxDureeMinutes = 1_000_000
	// MaxSLAHeures bounds a contract's SLA for one priority (one year).
	MaxSLAHeures = 8760
	// MaxIntervalle bounds the number of periods between two occurrences of a planning.
	MaxIntervalle = 1000
	// MaxTexteCommentaire bounds a comment's text, in characters.
	MaxTexteCommentaire = 5000
)

// InRange is an ent field validator: v must lie within [lo, hi]. Its message is the end of
// "invalid value for <field>: …".
func InRange[T int | int64](lo, hi T) func(T) error {
	return func(v T) error {
		if v < lo || v > hi {
			return fmt.Errorf("must be between %d and %d, not %d", lo, hi, v)
		}
		return nil
	}
}
