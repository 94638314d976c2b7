package graph_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/graph"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/pubsub"
)

// fanSelection reads only what the event carries: the same payload for every viewer who may
// receive it, so its subscribers form one group across roles.
const fanSelection = `{ interventionStatutChanged { interventionId ancienStatut nouveauStatut horodatage position } }`

// TestFanoutNonInterference: subscribers of different roles in one group each receive the
// events the rule lets them see, byte for byte what a subscriber rendering alone receives,
// and nothing of the events they may not see.
func TestFanoutNonInterference(t *testing.T) {
	w := newWorld(t)
	for _, iv := range []*ent.Intervention{w.ivA, w.ivB} {
		w.env.Client.Intervention.UpdateOne(iv).SetStatut(domain.StatutEnCours).ExecX(w.env.Sys)
	}
	subscribe := func(u *ent.User, doc string) *wsClient {
		t.Helper()
		ws, err := dialWS(t, w.env, w.env.Token(t, u), false)
		if err != nil {
			t.Fatal(err)
		}
		ws.subscribe("1", doc, nil)
		return ws
	}
	group := map[string]*wsClient{
		"ADMIN":    subscribe(w.admin, "subscription "+fanSelection),
		"CLIENT A": subscribe(w.clientA, "subscription "+fanSelection),
		"TECH A":   subscribe(w.techUserA, "subscription "+fanSelection),
	}
	techB := subscribe(w.techUserB, "subscription "+fanSelection)
	// Another operation name: a group of its own, rendered by gqlgen for him alone.
	alone := subscribe(w.admin, "subscription Seul "+fanSelection)
	waitSubscribers(t, w.env, len(group)+2)
	admin := w.env.As(t, w.admin)
	move := func(iv *ent.Intervention, s domain.InterventionStatut) {
		t.Helper()
		admin.MustData(changeStatut, map[string]any{"id": strconv.Itoa(iv.ID), "s": string(s)}, &struct{}{})
	}
	shared := graph.FanoutShared()
	move(w.ivA, domain.StatutEnAttente)
	move(w.ivB, domain.StatutEnAttente)
	move(w.ivA, domain.StatutEnCours)

	want := alone.next(5 * time.Second)
	if !strings.Contains(string(want), `"interventionId":"`+strconv.Itoa(w.ivA.ID)+`"`) {
		t.Fatalf("first event is not ivA's move: %s", want)
	}
	for name, ws := range group {
		if got := ws.next(5 * time.Second); string(got) != string(want) {
			t.Errorf("%s received %s, want what is rendered alone: %s", name, got, want)
		}
	}
	// ivB is company B's: of the group only ADMIN sees it; the others' next event is ivA's
	// second move.
	wantB := alone.next(5 * time.Second)
	if got := group["ADMIN"].next(5 * time.Second); string(got) != string(wantB) {
		t.Errorf("ADMIN received %s, want %s", got, wantB)
	}
	for _, name := range []string{"CLIENT A", "TECH A"} {
		got := decodeFan(t, group[name].next(5*time.Second))
		if got.InterventionID != strconv.Itoa(w.ivA.ID) || got.NouveauStatut != "EN_COURS" {
			t.Errorf("%s's second event is %+v, want ivA back EN_COURS (ivB's move is not his)", name, got)
		}
	}
	// Technician B sees ivB's move and none of ivA's.
	if got := techB.next(5 * time.Second); string(got) != string(wantB) {
		t.Errorf("TECH B received %s, want ivB's move %s", got, wantB)
	}
	// ADMIN's third event, ivA back EN_COURS: the count below waits for his share of it, if
	// another member of the group rendered it.
	if got := decodeFan(t, group["ADMIN"].next(5*time.Second)); got.InterventionID != strconv.Itoa(w.ivA.ID) || got.NouveauStatut != "EN_COURS" {
		t.Errorf("ADMIN's third event is %+v, want ivA back EN_COURS", got)
	}
	// Each event was rendered once for the group: the two others of ivA's first move, the
	// one other of ivB's and the two others of ivA's second took it as rendered (other
	// tests running alongside may only add to the count).
	if n := graph.FanoutShared() - shared; n < 5 {
		t.Errorf("%d payloads shared, want at least 5", n)
	}
}

type fanEvent struct {
	InterventionID, NouveauStatut string
}

func decodeFan(t *testing.T, raw json.RawMessage) fanEvent {
	t.Helper()
	var p struct {
		Data struct{ InterventionStatutChanged fanEvent }
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("event %s: %v", raw, err)
	}
	return p.Data.InterventionStatutChanged
}

// TestFanoutPerViewerSelection: a selection that reaches what depends on who asks (here the
// intervention's comments, internal ones hidden from clients) is rendered per viewer even
// when the operation is the same.
func TestFanoutPerViewerSelection(t *testing.T) {
	w := newWorld(t)
	w.env.Client.Intervention.UpdateOne(w.ivA).SetStatut(domain.StatutEnCours).ExecX(w.env.Sys)
	w.env.Client.Commentaire.Create().SetIntervention(w.ivA).SetAuteur(w.admin).SetTexte("public").SaveX(w.env.Sys)
	w.env.Client.Commentaire.Create().SetIntervention(w.ivA).SetAuteur(w.admin).SetTexte("interne").SetInterne(true).SaveX(w.env.Sys)
	const doc = `subscription { interventionStatutChanged { interventionId
  intervention { commentaires { totalCount edges { node { texte } } } } } }`
	var subs []*wsClient
	for _, u := range []*ent.User{w.admin, w.clientA} {
		ws, err := dialWS(t, w.env, w.env.Token(t, u), false)
		if err != nil {
			t.Fatal(err)
		}
		ws.subscribe("1", doc, nil)
		subs = append(subs, ws)
	}
	waitSubscribers(t, w.env, 2)
	w.env.As(t, w.admin).MustData(changeStatut, map[string]any{"id": strconv.Itoa(w.ivA.ID), "s": "EN_ATTENTE"}, &struct{}{})
	adminGot, clientGot := string(subs[0].next(5*time.Second)), string(subs[1].next(5*time.Second))
	if !strings.Contains(adminGot, `"interne"`) || !strings.Contains(adminGot, `"public"`) {
		t.Errorf("ADMIN received %s, want both comments", adminGot)
	}
	if strings.Contains(clientGot, `"interne"`) || !strings.Contains(clientGot, `"public"`) {
		t.Errorf("CLIENT received %s, want the public comment only", clientGot)
	}
}

// TestSlowSubscriberDropped: a subscriber that stops reading while events keep coming is
// dropped by the bus (the server neither waits for him nor buffers without bound), and when
// he reads again he finds, after what was already on its way, the subscription completed:
// his signal to resubscribe with after.
func TestSlowSubscriberDropped(t *testing.T) {
	env := apptest.New(t)
	admin := env.User(t, "Admin", domain.RoleAdmin)
	// Each payload carries 200 KB: 400 of them are more than the socket's buffers (a few
	// MB each way) hold, so the server's writes block and the events pile up behind them.
	iv := env.Client.Intervention.Create().SetTitre("Lourde").SetDescription(strings.Repeat("x", 200_000)).
		SetEquipement(env.Client.Equipement.Create().SetNom("Presse").SetCode("EQ-P").SaveX(env.Sys)).
		SetDemandeur(admin).SaveX(env.Sys)
	env.Deps.Events.Buffer = 2
	ws, err := dialWS(t, env, env.Token(t, admin), false)
	if err != nil {
		t.Fatal(err)
	}
	ws.conn.SetReadLimit(1 << 20)
	ws.subscribe("1", `subscription { interventionStatutChanged { position intervention { description } } }`, nil)
	waitSubscribers(t, env, 1)
	const sent = 400
	events := make([]pubsub.Event, sent)
	for i := range events {
		events[i] = pubsub.Event{Statut: &pubsub.StatutChange{InterventionID: iv.ID, Nouveau: domain.StatutEnCours, At: time.Now()}}
	}
	env.Deps.Events.Publish(context.Background(), events...)
	for deadline := time.Now().Add(10 * time.Second); env.Deps.Events.Subscribers() > 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the subscriber who does not read was not dropped")
		}
	}
	received := 0
	for {
		m, err := ws.read(10 * time.Second)
		if err != nil {
			t.Fatalf("after %d events: %v (want the subscription completed)", received, err)
		}
		if m.Type == "next" {
			received++
			continue
		}
		if m.Type != "complete" || m.ID != "1" {
			t.Fatalf("after %d events: %s %s, want complete for 1", received, m.Type, m.Payload)
		}
		break
	}
	if received >= sent {
		t.Errorf("received all %d events: not dropped", received)
	}
}
