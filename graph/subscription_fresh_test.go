package graph_test

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/mifmaroc/erp/internal/domain"
)

// TestSubscriptionEventsAreFresh: each event of a subscription is rendered from the database
// as it is at that event, not from what an earlier event loaded.
func TestSubscriptionEventsAreFresh(t *testing.T) {
	w := newWorld(t)
	w.env.Client.Intervention.UpdateOne(w.ivA).SetStatut(domain.StatutEnCours).ExecX(w.env.Sys)
	ws, err := dialWS(t, w.env, w.env.Token(t, w.responsable), false)
	if err != nil {
		t.Fatal(err)
	}
	ws.subscribe("1", `subscription { interventionStatutChanged { nouveauStatut intervention {
		statut historique { nouveauStatut } notifications { sujet } } } }`, nil)
	waitSubscribers(t, w.env, 1)
	admin := w.env.As(t, w.admin)
	type event struct {
		Data struct {
			InterventionStatutChanged struct {
				NouveauStatut string
				Intervention  struct {
					Statut        string
					Historique    []struct{ NouveauStatut string }
					Notifications []struct{ Sujet string }
				}
			}
		}
	}
	var events []event
	for i, s := range []domain.InterventionStatut{domain.StatutEnAttente, domain.StatutEnCours} {
		if i == 1 {
			w.notify(t, w.responsable, w.ivA, "Relance")
		}
		admin.MustData(changeStatut, map[string]any{"id": strconv.Itoa(w.ivA.ID), "s": string(s)}, &struct{}{})
		var ev event
		if err := json.Unmarshal(ws.next(5*time.Second), &ev); err != nil {
			t.Fatal(err)
		}
		events = append(events, ev)
	}
	first, second := events[0].Data.InterventionStatutChanged, events[1].Data.InterventionStatutChanged
	if second.Intervention.Statut != "EN_COURS" || second.NouveauStatut != "EN_COURS" {
		t.Errorf("second event: statut %s, nouveauStatut %s; want EN_COURS", second.Intervention.Statut, second.NouveauStatut)
	}
	if len(second.Intervention.Historique) != len(first.Intervention.Historique)+1 {
		t.Errorf("history lines: %d then %d; the second event must show the new line",
			len(first.Intervention.Historique), len(second.Intervention.Historique))
	}
	if len(second.Intervention.Notifications) != len(first.Intervention.Notifications)+1 {
		t.Errorf("notifications: %d then %d; the second event must show the new one",
			len(first.Intervention.Notifications), len(second.Intervention.Notifications))
	}
}
