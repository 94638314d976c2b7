// Package localtime is the time zone people plan and read in (APP_TIMEZONE): the calendar
// of preventive plannings recurs on its wall clock, and the dates written for people
// (notifications, emails, history remarks) are in it, with the zone named. The API itself
// exchanges instants (RFC 3339 with their offset) and the database stores them in UTC; only
// what recurs on a wall clock or is read by people goes through here.
//
// The tz database is embedded (time/tzdata): a zone's rules, Morocco's changes of offset
// around Ramadan included, do not depend on what the host or the container image carries.
package localtime

import (
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // the binary carries the tz database: distroless images have none

	"github.com/mifmaroc/erp/internal/i18n"
)

// DefaultName is the zone when APP_TIMEZONE is not set.
const DefaultName = "Africa/Casablanca"

// Zone is a time zone of the tz database. The zero value is DefaultName.
type Zone struct {
	loc *time.Location
}

var defaultZone = mustLoad(DefaultName)

func mustLoad(name string) Zone {
	z, err := Load(name)
	if err != nil {
		panic(err) // the embedded tz database always has it
	}
	return z
}

// Load returns the zone of an IANA name (Africa/Casablanca, Europe/Paris, UTC). "Local",
// which would depend on the host, and names the tz database does not know are errors.
func Load(name string) (Zone, error) {
	if name == "" || name == "Local" {
		return Zone{}, errors.New("not an IANA time zone name")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return Zone{}, fmt.Errorf("unknown time zone: %w", err)
	}
	return Zone{loc: loc}, nil
}

// Default is the zone of DefaultName.
func Default() Zone { return defaultZone }

// UTC is the zone without offset.
func UTC() Zone { return Zone{loc: time.UTC} }

// Location is the zone for the time package.
func (z Zone) Location() *time.Location {
	if z.loc == nil {
		return defaultZone.loc
	}
	return z.loc
}

// Name is the zone's IANA name.
func (z Zone) Name() string { return z.Location().String() }

// In is t on the zone's wall clock.
func (z Zone) In(t time.Time) time.Time { return t.In(z.Location()) }

// Intended is the instant a person meant by t, a wall-clock time he wrote with an offset:
// t itself, unless that offset is one the zone uses before or after the period t falls in,
// but not the one in force then, and not UTC's. People write Morocco's usual +01:00 all
// year: during Ramadan, when Casablanca is on +00:00, "2027-03-01T00:00+01:00" names 28
// February 23:00 there, while the 1st at midnight is what was meant; Intended reads it as
// that local time. An instant in UTC (Z), or with the offset in force, or with an offset
// the zone never uses (another zone's), is taken as the instant it names.
func (z Zone) Intended(t time.Time) time.Time {
	_, written := t.Zone()
	if written == 0 {
		return t
	}
	loc := z.Location()
	local := t.In(loc)
	if _, inForce := local.Zone(); written == inForce {
		return t
	}
	start, end := local.ZoneBounds()
	neighbour := func(at time.Time) bool {
		_, off := at.In(loc).Zone()
		return !at.IsZero() && off == written
	}
	if !neighbour(start.Add(-time.Second)) && !neighbour(end) {
		return t
	}
	y, m, d := t.Date()
	h, mi, sec := t.Clock()
	return time.Date(y, m, d, h, mi, sec, t.Nanosecond(), loc)
}

// Date writes t's local date for people: 04/12/2026.
func (z Zone) Date(t time.Time) string { return z.In(t).Format("02/01/2006") }

// DateTime writes t's local date and time for people, naming the zone, since the reader may
// be elsewhere and Morocco's offset changes during Ramadan: 04/12/2026 04:44 (heure de
// Casablanca).
func (z Zone) DateTime(t time.Time) string {
	return z.In(t).Format("02/01/2006 15:04") + " (" + z.label() + ")"
}

// At is t for people in zone z, written in the language of the text it goes into (an
// i18n argument): French as DateTime, the others with the city's name for the zone.
func (z Zone) At(t time.Time) i18n.Localizer { return moment{z, t} }

type moment struct {
	z Zone
	t time.Time
}

func (m moment) Localize(l i18n.Lang) string {
	local := m.z.In(m.t).Format("02/01/2006 15:04")
	city := m.z.Name()
	if i := strings.LastIndexByte(city, '/'); i >= 0 {
		city = strings.ReplaceAll(city[i+1:], "_", " ")
	}
	switch l {
	case i18n.EN:
		return local + " (" + city + " time)"
	case i18n.AR:
		// Latin digits, as Moroccan Arabic texts write dates; the city keeps its Latin name.
		return local + " (بتوقيت " + city + ")"
	default:
		return m.z.DateTime(m.t)
	}
}

// label is "heure de <city>" from the IANA name (its last part), or "heure UTC".
func (z Zone) label() string {
	name := z.Name()
	i := strings.LastIndexByte(name, '/')
	if i < 0 {
		return "heure " + name
	}
	city := strings.ReplaceAll(name[i+1:], "_", " ")
	if strings.ContainsRune("AEIOUaeiouÉéÎî", []rune(city)[0]) {
		return "heure d'" + city
	}
	return "heure de " + city
}
