// Package compteur holds the meters of equipment (running hours, cycles, kilometres) and
// their readings: readings rise with their date unless one declares a reset, readings from
// the past are taken where they fit, and the usage and rate of use computed from them drive
// the usage-based plannings of internal/planning. Staff write meters; staff and
// technicians record readings; who reads them is internal/access's rule.
package compteur

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/ent/planning"
	"github.com/mifmaroc/erp/ent/relevecompteur"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/localtime"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Service writes meters and readings. Every read goes through the caller's context, so a
// meter the caller may not see is NOT_FOUND.
type Service struct {
	Client *ent.Client
	Now    func() time.Time
	Log    *slog.Logger
	// Zone writes the dates of error messages as people read them (APP_TIMEZONE).
	Zone localtime.Zone
	// Releve, when set, is told of every reading stored (new or repeated), after its
	// commit, with the meter's id: the usage-based plannings fire from there
	// (internal/planning), which this package cannot import.
	Releve func(ctx context.Context, compteurID int)
}

var staff = []domain.Role{domain.RoleAdmin, domain.RoleResponsable}

// MaxJours bounds the window of a rate of use.
const MaxJours = 3660

func checkNom(nom *string) error {
	*nom = strings.TrimSpace(*nom)
	if n := utf8.RuneCountInString(*nom); n == 0 || n > 200 {
		return domain.Errorf(domain.CodeBadUserInput, "nom: from 1 to 200 characters")
	}
	return nil
}

// checkLibelle trims a unit label; an empty one means none (nil).
func checkLibelle(l *string) (*string, error) {
	if l == nil {
		return nil, nil
	}
	v := strings.TrimSpace(*l)
	switch n := utf8.RuneCountInString(v); {
	case n == 0:
		return nil, nil
	case n > 32:
		return nil, domain.Errorf(domain.CodeBadUserInput, "libelleUnite: at most 32 characters")
	}
	return &v, nil
}

// Create adds a meter to an equipement. Staff only. Errors: FORBIDDEN, BAD_USER_INPUT,
// NOT_FOUND (equipement).
func (s *Service) Create(ctx context.Context, in ent.CreateCompteurInput) (*ent.Compteur, error) {
	if err := viewer.Require(ctx, "write meters", staff...); err != nil {
		return nil, err
	}
	if err := checkNom(&in.Nom); err != nil {
		return nil, err
	}
	l, err := checkLibelle(in.LibelleUnite)
	if err != nil {
		return nil, err
	}
	in.LibelleUnite = l
	if ok, err := s.Client.Equipement.Query().Where(equipement.ID(in.EquipementID)).Exist(ctx); err != nil {
		return nil, err
	} else if !ok {
		return nil, domain.Errorf(domain.CodeNotFound, "equipement %d not found", in.EquipementID)
	}
	c, err := s.Client.Compteur.Create().SetInput(in).SetCreatedAt(s.Now()).SetUpdatedAt(s.Now()).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("creating meter %q: %w", in.Nom, err)
	}
	s.Log.InfoContext(ctx, "meter created", "event", "compteur_created", "compteur_id", c.ID)
	return c, nil
}

// Update renames, changes the unit of, or archives (actif: false) meter id. Staff only.
// Errors: FORBIDDEN, NOT_FOUND, BAD_USER_INPUT.
func (s *Service) Update(ctx context.Context, id int, in ent.UpdateCompteurInput) (*ent.Compteur, error) {
	if err := viewer.Require(ctx, "write meters", staff...); err != nil {
		return nil, err
	}
	if in.Nom != nil {
		if err := checkNom(in.Nom); err != nil {
			return nil, err
		}
	}
	if in.LibelleUnite != nil {
		l, err := checkLibelle(in.LibelleUnite)
		if err != nil {
			return nil, err
		}
		in.LibelleUnite, in.ClearLibelleUnite = l, in.ClearLibelleUnite || l == nil
	}
	if _, err := s.Get(ctx, id); err != nil {
		return nil, err
	}
	c, err := s.Client.Compteur.UpdateOneID(id).SetInput(in).SetUpdatedAt(s.Now()).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("updating meter %d: %w", id, err)
	}
	return c, nil
}

// Delete removes a meter that has no reading and drives no planning. Staff only. Errors:
// FORBIDDEN, NOT_FOUND, CONFLICT (archive it with actif: false instead: its readings are
// the equipment's history).
func (s *Service) Delete(ctx context.Context, id int) error {
	if err := viewer.Require(ctx, "write meters", staff...); err != nil {
		return err
	}
	return database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
		if _, err := get(ctx, tx, id); err != nil {
			return err
		}
		sys := viewer.SystemContext(ctx)
		releves, err := tx.ReleveCompteur.Query().Where(relevecompteur.CompteurID(id)).Count(sys)
		if err != nil {
			return err
		}
		plannings, err := tx.Planning.Query().Where(planning.CompteurID(id)).Count(sys)
		if err != nil {
			return err
		}
		if releves > 0 || plannings > 0 {
			return domain.Errorf(domain.CodeConflict,
				"meter %d has %d reading(s) and drives %d planning(s): archive it (actif: false) instead", id, releves, plannings)
		}
		return tx.Compteur.DeleteOneID(id).Exec(ctx)
	})
}

// Get returns meter id as the caller may see it. Errors: NOT_FOUND.
func (s *Service) Get(ctx context.Context, id int) (*ent.Compteur, error) {
	return get(ctx, s.Client, id)
}

func get(ctx context.Context, c *ent.Client, id int) (*ent.Compteur, error) {
	m, err := c.Compteur.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "compteur %d not found", id)
	}
	return m, err
}

// Releve is a reading to record.
type Releve struct {
	CompteurID int
	Valeur     float64
	// Date is when the meter showed Valeur; the zero time means now.
	Date        time.Time
	RemiseAZero bool
}

// Enregistrer records a reading. Readings rise with their date: a value lower than the
// reading before it (by date) is refused, naming that reading, unless it declares a reset;
// a reading from the past is taken when it fits between its neighbours. The same reading
// again (same date and value) records nothing and returns the first. Staff and technicians.
// Errors: FORBIDDEN, NOT_FOUND (meter), BAD_USER_INPUT (negative or non-finite value, a date
// in the future, an archived meter, out of order), CONFLICT (another value at that date).
func (s *Service) Enregistrer(ctx context.Context, in Releve) (*ent.ReleveCompteur, error) {
	if err := viewer.Require(ctx, "record meter readings", domain.RoleAdmin, domain.RoleResponsable, domain.RoleTechnicien); err != nil {
		return nil, err
	}
	now := s.Now()
	if in.Date.IsZero() {
		in.Date = now
	}
	// PostgreSQL keeps microseconds: a repeated reading must compare equal to the stored one.
	in.Date = in.Date.Truncate(time.Microsecond)
	switch {
	case math.IsNaN(in.Valeur) || math.IsInf(in.Valeur, 0) || in.Valeur < 0:
		return nil, domain.Errorf(domain.CodeBadUserInput, "valeur: a number of 0 or more")
	case in.Date.After(now.Add(time.Minute)): // a minute for the clocks of phones
		return nil, domain.Errorf(domain.CodeBadUserInput, "date: %s is in the future", s.Zone.DateTime(in.Date))
	}
	var r *ent.ReleveCompteur
	err := database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
		c, err := get(ctx, tx, in.CompteurID)
		if err != nil {
			return err
		}
		if !c.Actif {
			return domain.Errorf(domain.CodeBadUserInput, "compteur %q is archived: it takes no reading", c.Nom)
		}
		if r, err = s.check(ctx, tx, in); err != nil || r != nil {
			if r != nil {
				r = r.Unwrap()
			}
			return err
		}
		var by *int
		if v := viewer.FromContext(ctx); v != nil && v.UserID != 0 {
			by = &v.UserID
		}
		r, err = tx.ReleveCompteur.Create().
			SetCompteurID(in.CompteurID).
			SetValeur(in.Valeur).
			SetDateReleve(in.Date).
			SetRemiseAZero(in.RemiseAZero).
			SetNillableUserID(by).
			SetCreatedAt(now).
			SetUpdatedAt(now).
			Save(ctx)
		if err == nil {
			r = r.Unwrap()
		}
		return err
	})
	if ent.IsConstraintError(err) {
		// The same reading, sent twice at once: the other one was stored first.
		r, err = s.Client.ReleveCompteur.Query().
			Where(relevecompteur.CompteurID(in.CompteurID), relevecompteur.DateReleve(in.Date)).Only(ctx)
		if err == nil && (r.Valeur != in.Valeur || r.RemiseAZero != in.RemiseAZero) {
			err = conflict(s.Zone, r)
		}
	}
	if err != nil {
		return nil, err
	}
	s.Log.InfoContext(ctx, "meter reading recorded", "event", "releve_recorded", "compteur_id", in.CompteurID, "releve_id", r.ID)
	if s.Releve != nil {
		s.Releve(ctx, in.CompteurID)
	}
	return r, nil
}

// check returns the reading already stored when in repeats it, and refuses a reading that
// does not fit between its neighbours by date.
func (s *Service) check(ctx context.Context, tx *ent.Client, in Releve) (*ent.ReleveCompteur, error) {
	q := func() *ent.ReleveCompteurQuery {
		return tx.ReleveCompteur.Query().Where(relevecompteur.CompteurID(in.CompteurID))
	}
	same, err := q().Where(relevecompteur.DateReleve(in.Date)).Only(ctx)
	switch {
	case err == nil && same.Valeur == in.Valeur && same.RemiseAZero == in.RemiseAZero:
		return same, nil
	case err == nil:
		return nil, conflict(s.Zone, same)
	case !ent.IsNotFound(err):
		return nil, err
	}
	prev, err := q().Where(relevecompteur.DateReleveLT(in.Date)).
		Order(ent.Desc(relevecompteur.FieldDateReleve)).First(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return nil, err
	}
	if prev != nil && !in.RemiseAZero && in.Valeur < prev.Valeur {
		return nil, domain.Errorf(domain.CodeBadUserInput,
			"valeur %g is below the previous reading, %g on %s: declare a reset (remiseAZero) if the meter was reset or replaced",
			in.Valeur, prev.Valeur, s.Zone.DateTime(prev.DateReleve))
	}
	next, err := q().Where(relevecompteur.DateReleveGT(in.Date)).
		Order(ent.Asc(relevecompteur.FieldDateReleve)).First(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return nil, err
	}
	if next != nil && !next.RemiseAZero && next.Valeur < in.Valeur {
		return nil, domain.Errorf(domain.CodeBadUserInput,
			"valeur %g is above the next reading, %g on %s: a reading from the past must fit between its neighbours",
			in.Valeur, next.Valeur, s.Zone.DateTime(next.DateReleve))
	}
	return nil, nil
}

func conflict(zone localtime.Zone, r *ent.ReleveCompteur) error {
	return domain.Errorf(domain.CodeConflict, "a reading of %g is already recorded on %s", r.Valeur, zone.DateTime(r.DateReleve))
}

// Points are the readings of meter id in date order, read as the server (the caller has
// been checked to see the meter, or is the server).
func Points(ctx context.Context, c *ent.Client, id int) ([]Point, error) {
	rs, err := c.ReleveCompteur.Query().
		Where(relevecompteur.CompteurID(id)).
		Order(ent.Asc(relevecompteur.FieldDateReleve)).
		All(viewer.SystemContext(ctx))
	if err != nil {
		return nil, err
	}
	return PointsOf(rs), nil
}

// PointsOf are the points of readings rs, in their order.
func PointsOf(rs []*ent.ReleveCompteur) []Point {
	out := make([]Point, len(rs))
	for i, r := range rs {
		out[i] = Point{Valeur: r.Valeur, Date: r.DateReleve, RemiseAZero: r.RemiseAZero}
	}
	return out
}

// UsageCumule is the cumulative usage of a meter whose readings in date order are ps (see
// Usage), 0 before any reading.
func UsageCumule(ps []Point) float64 {
	if len(ps) == 0 {
		return 0
	}
	u := Usage(ps)
	return u[len(u)-1]
}

// TauxUtilisation is the rate of use, in units per day, over the last jours days of a meter
// whose readings in date order are ps (see Taux); nil when the window holds fewer than two
// readings. Errors: BAD_USER_INPUT (jours out of 1 to MaxJours).
func (s *Service) TauxUtilisation(ps []Point, jours int) (*float64, error) {
	if jours < 1 || jours > MaxJours {
		return nil, domain.Errorf(domain.CodeBadUserInput, "jours: from 1 to %d", MaxJours)
	}
	now := s.Now()
	t, ok := Taux(ps, now.AddDate(0, 0, -jours), now)
	if !ok {
		return nil, nil
	}
	return &t, nil
}
