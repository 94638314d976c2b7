package graph_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/ent"
	entintervention "github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/notification"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/localtime"
)

// Plannings walk across Ramadan 2027 in Casablanca (the default APP_TIMEZONE), when Morocco
// is on UTC+0 from 7 February 03:00 to 14 March 02:00 local time and on UTC+1 otherwise:
// planningForecast announces and the scheduler creates the same occurrences, each on the
// local day and time of the first one, and the notifications give that local time. Once on
// a frozen clock, once on the real one.
func TestPlanningAcrossRamadan(t *testing.T) {
	plans := []struct {
		titre, frequence, first string
		want                    []string // the occurrences before 15 April 2027, in UTC
	}{
		{"Premier du mois", "MENSUEL", "2027-01-01T00:00:00+01:00", []string{
			"2026-12-31T23:00:00Z", "2027-01-31T23:00:00Z", "2027-03-01T00:00:00Z", "2027-03-31T23:00:00Z"}},
		// Written with Morocco's usual offset for a day of Ramadan: the 1st at midnight meant.
		{"Premier du mois, écrit en +01:00", "MENSUEL", "2027-03-01T00:00:00+01:00", []string{
			"2027-03-01T00:00:00Z", "2027-03-31T23:00:00Z"}},
		{"Fin de mois", "MENSUEL", "2027-01-31T08:00:00+01:00", []string{
			"2027-01-31T07:00:00Z", "2027-02-28T08:00:00Z", "2027-03-31T07:00:00Z"}},
		{"Dimanche matin", "HEBDOMADAIRE", "2027-01-31T08:00:00+01:00", []string{
			"2027-01-31T07:00:00Z", "2027-02-07T08:00:00Z", "2027-02-14T08:00:00Z", "2027-02-21T08:00:00Z",
			"2027-02-28T08:00:00Z", "2027-03-07T08:00:00Z", "2027-03-14T07:00:00Z", "2027-03-21T07:00:00Z",
			"2027-03-28T07:00:00Z", "2027-04-04T07:00:00Z", "2027-04-11T07:00:00Z"}},
	}
	from := time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC)
	to := time.Date(2027, 4, 15, 0, 0, 0, 0, time.UTC)
	for _, clock := range []string{"FrozenClock", "RealClock"} {
		t.Run(clock, func(t *testing.T) {
			e := newPlEnv(t, func(c *config.Config) { c.Zone = localtime.Default() }) // APP_TIMEZONE's default
			e.Clock.Set(from)
			if clock == "RealClock" {
				e.Clock.Run()
			}
			var want []plOcc
			for _, p := range plans {
				var got struct{ CreatePlanning plOut }
				e.As(t, e.admin).MustData(plCreateDoc, map[string]any{"input": map[string]any{
					"titre": p.titre, "frequence": p.frequence, "prochaineDate": p.first,
					"equipementID": plID(e.eq.ID), "technicienID": plID(e.tech.ID)}}, &got)
				for _, w := range p.want {
					d, err := time.Parse(time.RFC3339, w)
					if err != nil {
						t.Fatal(err)
					}
					want = append(want, plOcc{d, got.CreatePlanning.ID})
				}
			}
			sortOccs(want)

			forecast := plForecastOf(t, e.As(t, e.resp), from, to)
			sortOccs(forecast)
			if diff := cmp.Diff(want, forecast); diff != "" {
				t.Errorf("planningForecast (-want +got):\n%s", diff)
			}

			// The scheduler, run a minute after each occurrence, creates exactly those.
			for i, o := range want {
				if i > 0 && o.Date.Equal(want[i-1].Date) {
					continue
				}
				e.Clock.Set(o.Date.Add(time.Minute))
				e.As(t, e.admin).MustData(plRunDoc, nil, &struct{ RunPreventiveScheduler plRunOut }{})
			}
			ivs, err := e.Client.Intervention.Query().Where(entintervention.PlanningIDNotNil()).All(e.Sys)
			if err != nil {
				t.Fatal(err)
			}
			created := []plOcc{}
			for _, iv := range ivs {
				created = append(created, plOcc{*iv.DateEcheance, strconv.Itoa(*iv.PlanningID)})
			}
			sortOccs(created)
			if diff := cmp.Diff(want, created); diff != "" {
				t.Errorf("interventions created by the scheduler (-want +got):\n%s", diff)
			}

			// Their notifications give the local date and time, the zone named.
			notes, err := e.Client.Notification.Query().Where(notification.UserID(e.techUser.ID)).
				Order(ent.Asc(notification.FieldID)).All(e.Sys)
			if err != nil {
				t.Fatal(err)
			}
			for _, local := range []string{"01/01/2027 00:00", "01/02/2027 00:00", "01/03/2027 00:00", "01/04/2027 00:00",
				"28/02/2027 08:00", "07/02/2027 08:00", "14/03/2027 08:00"} {
				text := "échéance le " + local + " (heure de Casablanca)"
				if !slices.ContainsFunc(notes, func(n *ent.Notification) bool { return strings.Contains(n.Message, text) }) {
					t.Errorf("no notification says %q", text)
				}
			}
		})
	}
}

// sortOccs orders occurrences by date, then planning.
func sortOccs(os []plOcc) {
	slices.SortFunc(os, func(a, b plOcc) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return strings.Compare(a.PlanningID, b.PlanningID)
	})
}
