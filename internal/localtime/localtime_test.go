package localtime_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mifmaroc/erp/internal/localtime"
)

func TestDateTime(t *testing.T) {
	tests := []struct {
		name string
		zone string
		at   time.Time
		want string
	}{
		{"CasablancaWinter", "Africa/Casablanca", time.Date(2026, 12, 4, 3, 44, 0, 0, time.UTC), "04/12/2026 04:44 (heure de Casablanca)"},
		// Morocco is on UTC+0 from 7 February to 14 March 2027 (Ramadan), UTC+1 otherwise.
		{"CasablancaRamadan", "Africa/Casablanca", time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), "01/03/2027 00:00 (heure de Casablanca)"},
		{"CasablancaAfterRamadan", "Africa/Casablanca", time.Date(2027, 3, 31, 23, 0, 0, 0, time.UTC), "01/04/2027 00:00 (heure de Casablanca)"},
		{"UTC", "UTC", time.Date(2026, 12, 4, 3, 44, 0, 0, time.UTC), "04/12/2026 03:44 (heure UTC)"},
		{"TwoWords", "America/New_York", time.Date(2026, 7, 4, 16, 0, 0, 0, time.UTC), "04/07/2026 12:00 (heure de New York)"},
		{"Vowel", "America/Anchorage", time.Date(2026, 1, 10, 20, 30, 0, 0, time.UTC), "10/01/2026 11:30 (heure d'Anchorage)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z, err := localtime.Load(tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			// Whatever the offset the instant comes with.
			if got := z.DateTime(tt.at.In(time.FixedZone("", -5*3600))); got != tt.want {
				t.Errorf("DateTime(%v) = %q, want %q", tt.at, got, tt.want)
			}
		})
	}
}

// A planning's date written with Morocco's usual +01:00 for a day of Ramadan (when
// Casablanca is on +00:00) is the local time it shows; any other is the instant it names.
func TestIntended(t *testing.T) {
	tests := []struct {
		name, zone, written, want string
	}{
		{"RamadanWithUsualOffset", "Africa/Casablanca", "2027-03-01T00:00:00+01:00", "2027-03-01T00:00:00Z"},
		{"RamadanWithOffsetInForce", "Africa/Casablanca", "2027-03-01T00:00:00Z", "2027-03-01T00:00:00Z"},
		{"RamadanInUTC", "Africa/Casablanca", "2027-02-20T08:00:00Z", "2027-02-20T08:00:00Z"},
		{"WinterWithOffsetInForce", "Africa/Casablanca", "2027-01-01T00:00:00+01:00", "2026-12-31T23:00:00Z"},
		{"WinterInUTC", "Africa/Casablanca", "2027-01-15T08:00:00Z", "2027-01-15T08:00:00Z"},
		{"AnotherZonesOffset", "Africa/Casablanca", "2027-07-01T08:00:00+02:00", "2027-07-01T06:00:00Z"},
		{"ZoneWithoutChanges", "UTC", "2027-03-01T00:00:00+01:00", "2027-02-28T23:00:00Z"},
		{"ParisSummerWithWinterOffset", "Europe/Paris", "2027-07-01T08:00:00+01:00", "2027-07-01T06:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z, err := localtime.Load(tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			written, err := time.Parse(time.RFC3339, tt.written)
			if err != nil {
				t.Fatal(err)
			}
			if got := z.Intended(written).UTC().Format(time.RFC3339); got != tt.want {
				t.Errorf("Intended(%s) in %s = %s, want %s", tt.written, tt.zone, got, tt.want)
			}
		})
	}
}

func TestDefault(t *testing.T) {
	var zero localtime.Zone
	if zero.Name() != localtime.DefaultName || localtime.Default().Name() != localtime.DefaultName {
		t.Errorf("zero zone %q, default %q; want %s", zero.Name(), localtime.Default().Name(), localtime.DefaultName)
	}
	if got := zero.Date(time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)); got != "01/01/2027" {
		t.Errorf("Date at 23:30 UTC on 31 December = %q, want the next day in Casablanca", got)
	}
}

func TestLoadRefuses(t *testing.T) {
	for _, name := range []string{"", "Local", "Mars/Olympus", "casablanca", "../../etc/passwd"} {
		if z, err := localtime.Load(name); err == nil {
			t.Errorf("Load(%q) = %s, want an error", name, z.Name())
		} else if strings.TrimSpace(err.Error()) == "" {
			t.Errorf("Load(%q): empty error", name)
		}
	}
}
