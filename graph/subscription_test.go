package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/pubsub"
	"github.com/mifmaroc/erp/internal/testdb"
)

// wsClient speaks graphql-transport-ws or the legacy graphql-ws over a real websocket.
type wsClient struct {
	t      *testing.T
	conn   *websocket.Conn
	legacy bool
}

type wsMsg struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func dialWS(t *testing.T, env *apptest.Env, token string, legacy bool) (*wsClient, error) {
	t.Helper()
	c, err := dialWSInner(t, env, token, legacy)
	if c != nil {
		t.Cleanup(func() { _ = c.conn.CloseNow() })
	}
	return c, err
}

func dialWSInner(t *testing.T, env *apptest.Env, token string, legacy bool) (*wsClient, error) {
	proto := "graphql-transport-ws"
	if legacy {
		proto = "graphql-ws"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	//nolint:bodyclose // the websocket library closes the handshake response's body itself
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(env.URL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{proto}, HTTPHeader: http.Header{"Accept-Language": {"en"}}})
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	c := &wsClient{t: t, conn: conn, legacy: legacy}
	payload := map[string]any{}
	if token != "" {
		payload["Authorization"] = "Bearer " + token
	}
	if err := wsjson.Write(ctx, conn, map[string]any{"type": "connection_init", "payload": payload}); err != nil {
		return c, err
	}
	for {
		m, err := c.read(5 * time.Second)
		if err != nil {
			return c, err
		}
		switch m.Type {
		case "connection_ack":
			return c, nil
		case "ka", "ping":
			continue
		default:
			return c, &wsRefusal{m}
		}
	}
}

type wsRefusal struct{ m wsMsg }

func (r *wsRefusal) Error() string { return r.m.Type + ": " + string(r.m.Payload) }

func (c *wsClient) read(timeout time.Duration) (wsMsg, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var m wsMsg
	err := wsjson.Read(ctx, c.conn, &m)
	return m, err
}

func (c *wsClient) subscribe(id, query string, vars map[string]any) {
	c.t.Helper()
	typ := "subscribe"
	if c.legacy {
		typ = "start"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := wsjson.Write(ctx, c.conn, map[string]any{"id": id, "type": typ, "payload": map[string]any{"query": query, "variables": vars}}); err != nil {
		c.t.Fatal(err)
	}
}

// next returns the next data payload of the subscriptions, or fails after timeout.
func (c *wsClient) next(timeout time.Duration) json.RawMessage {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		m, err := c.read(time.Until(deadline))
		if err != nil {
			c.t.Fatalf("no event within %s: %v", timeout, err)
		}
		switch m.Type {
		case "next", "data":
			return m.Payload
		case "ka", "ping", "pong":
			continue
		default:
			c.t.Fatalf("unexpected message %s: %s", m.Type, m.Payload)
		}
	}
}

// waitSubscribers waits until env's bus has n subscribers: subscriptions register
// asynchronously after the subscribe message.
func waitSubscribers(t *testing.T, env *apptest.Env, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for env.Deps.Events.Subscribers() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d subscribers registered, want %d", env.Deps.Events.Subscribers(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

const statutSub = `subscription($iv: ID, $eq: ID) { interventionStatutChanged(interventionId: $iv, equipementId: $eq) {
  interventionId ancienStatut nouveauStatut intervention { titre } } }`

type statutEvent struct {
	Data struct {
		InterventionStatutChanged struct {
			InterventionID string
			AncienStatut   *string
			NouveauStatut  string
			Intervention   struct{ Titre string }
		}
	}
}

func decodeStatut(t *testing.T, raw json.RawMessage) statutEvent {
	t.Helper()
	var ev statutEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatalf("event %s: %v", raw, err)
	}
	return ev
}

func TestWebsocketAuth(t *testing.T) {
	e := newIvEnv(t)
	for _, tt := range []struct{ name, token string }{{"NoToken", ""}, {"BadToken", "pas.un.jeton"}} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := dialWS(t, e.Env, tt.token, false); err == nil {
				t.Error("connection accepted without a valid token")
			}
		})
	}
}

// TestStatutSubscription: a technician sees the moves of his intervention, not another's;
// a refused move publishes nothing. Both subprotocols.
func TestStatutSubscription(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		name := "GraphQLTransportWS"
		if legacy {
			name = "LegacyGraphQLWS"
		}
		t.Run(name, func(t *testing.T) {
			e := newIvEnv(t)
			mine := e.at(t, domain.StatutAffectee)
			others := e.Client.Intervention.Create().SetTitre("Autre").SetStatut(domain.StatutAffectee).SetTechnicien(e.otherTech).SaveX(e.Sys)
			ws, err := dialWS(t, e.Env, e.Token(t, e.techUser), legacy)
			if err != nil {
				t.Fatal(err)
			}
			ws.subscribe("1", statutSub, nil)
			waitSubscribers(t, e.Env, 1)
			admin := e.As(t, e.admin)
			admin.MustData(changeStatut, map[string]any{"id": strconv.Itoa(others.ID), "s": "EN_COURS"}, &struct{}{})
			admin.MustFail(changeStatut, map[string]any{"id": strconv.Itoa(mine.ID), "s": "ARCHIVEE"}) // refused: no event
			admin.MustData(changeStatut, map[string]any{"id": strconv.Itoa(mine.ID), "s": "EN_COURS"}, &struct{}{})

			// The first event received is his own: the other technician's was filtered out.
			ev := decodeStatut(t, ws.next(5*time.Second)).Data.InterventionStatutChanged
			if ev.InterventionID != strconv.Itoa(mine.ID) || ev.NouveauStatut != "EN_COURS" || ev.AncienStatut == nil ||
				*ev.AncienStatut != "AFFECTEE" || ev.Intervention.Titre != mine.Titre {
				t.Errorf("event = %+v", ev)
			}
		})
	}
}

func TestClientSeesOnlyHisEvents(t *testing.T) {
	e := newIvEnv(t)
	otherClient := e.User(t, "Concurrent", domain.RoleClient)
	e.Client.Societe.Create().SetNom("Autre usine").SetCode("CL-2").AddUsers(otherClient).ExecX(e.Sys)
	his := e.Client.Intervention.Create().SetTitre("Chez le client").SetClient(e.societe).SaveX(e.Sys)

	watcher, err := dialWS(t, e.Env, e.Token(t, otherClient), false)
	if err != nil {
		t.Fatal(err)
	}
	watcher.subscribe("1", statutSub, nil)
	owner, err := dialWS(t, e.Env, e.Token(t, e.clientUser), false)
	if err != nil {
		t.Fatal(err)
	}
	owner.subscribe("1", statutSub, map[string]any{"iv": strconv.Itoa(his.ID)})
	waitSubscribers(t, e.Env, 2)
	e.As(t, e.resp).MustData(changeStatut, map[string]any{"id": strconv.Itoa(his.ID), "s": "ANNULEE"}, &struct{}{})

	if ev := decodeStatut(t, owner.next(5*time.Second)).Data.InterventionStatutChanged; ev.NouveauStatut != "ANNULEE" {
		t.Errorf("owner's event = %+v", ev)
	}
	if m, err := watcher.read(500 * time.Millisecond); err == nil && (m.Type == "next" || m.Type == "data") {
		t.Errorf("another client received %s", m.Payload)
	}
}

func TestNotificationReceived(t *testing.T) {
	e := newIvEnv(t)
	ws, err := dialWS(t, e.Env, e.Token(t, e.techUser), false)
	if err != nil {
		t.Fatal(err)
	}
	ws.subscribe("1", `subscription { notificationReceived { sujet type } }`, nil)
	waitSubscribers(t, e.Env, 1)
	iv := e.Client.Intervention.Create().SetTitre("Compresseur bruyant").SaveX(e.Sys)
	e.As(t, e.resp).MustData(`mutation($id: ID!, $t: ID!) { assignIntervention(id: $id, technicienId: $t) { id } }`,
		map[string]any{"id": strconv.Itoa(iv.ID), "t": strconv.Itoa(e.tech.ID)}, &struct{}{})
	var got struct {
		Data struct{ NotificationReceived struct{ Sujet, Type string } }
	}
	if err := json.Unmarshal(ws.next(5*time.Second), &got); err != nil {
		t.Fatal(err)
	}
	if got.Data.NotificationReceived.Type != "AFFECTATION" || !strings.Contains(got.Data.NotificationReceived.Sujet, "Compresseur bruyant") {
		t.Errorf("notification = %+v", got.Data.NotificationReceived)
	}
}

// TestEventsCrossReplicas: subscribed on one instance, changed through another, both on one
// PostgreSQL database.
func TestEventsCrossReplicas(t *testing.T) {
	if testdb.Dialect() != "postgres" {
		t.Skip("replicas share events through PostgreSQL LISTEN/NOTIFY; this runs in the PostgreSQL pass")
	}
	e := newIvEnv(t)
	second := e.Replica(t)
	iv := e.at(t, domain.StatutAffectee)
	ws, err := dialWS(t, e.Env, e.Token(t, e.admin), false)
	if err != nil {
		t.Fatal(err)
	}
	ws.subscribe("1", statutSub, map[string]any{"eq": strconv.Itoa(e.eq.ID)})
	waitSubscribers(t, e.Env, 1)
	second.As(t, e.admin).MustData(changeStatut, map[string]any{"id": strconv.Itoa(iv.ID), "s": "EN_COURS"}, &struct{}{})
	if ev := decodeStatut(t, ws.next(5*time.Second)).Data.InterventionStatutChanged; ev.InterventionID != strconv.Itoa(iv.ID) || ev.NouveauStatut != "EN_COURS" {
		t.Errorf("event from the other replica = %+v", ev)
	}
}

// TestListenerReconnects: the database drops the live-events listener's connection (as a
// restart would); the listener reconnects by itself and the open subscription keeps
// receiving events.
func TestListenerReconnects(t *testing.T) {
	if testdb.Dialect() != "postgres" {
		t.Skip("the LISTEN connection exists on PostgreSQL only; this runs in the PostgreSQL pass")
	}
	e := newIvEnv(t)
	iv := e.at(t, domain.StatutAffectee)
	ws, err := dialWS(t, e.Env, e.Token(t, e.admin), false)
	if err != nil {
		t.Fatal(err)
	}
	ws.subscribe("1", statutSub, map[string]any{"iv": strconv.Itoa(iv.ID)})
	waitSubscribers(t, e.Env, 1)

	var dbName string
	if err := e.DB.SQL.QueryRow("SELECT current_database()").Scan(&dbName); err != nil {
		t.Fatal(err)
	}
	var killed []byte // the terminated backends' pids, as a PostgreSQL array
	err = e.DB.SQL.QueryRow(`WITH listeners AS MATERIALIZED (SELECT pid FROM pg_stat_activity
		  WHERE datname = $1 AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%')
		SELECT array_agg(pid)::text FROM listeners WHERE pg_terminate_backend(pid)`, dbName).Scan(&killed)
	if err != nil || killed == nil {
		t.Fatalf("terminated listener connections %s (%v), want at least 1", killed, err)
	}
	// Committed while the listener is down: the lost event, now read from its row.
	e.As(t, e.admin).MustData(changeStatut, map[string]any{"id": strconv.Itoa(iv.ID), "s": "EN_COURS"}, &struct{}{})
	if ev := decodeStatut(t, ws.next(10*time.Second)).Data.InterventionStatutChanged; ev.NouveauStatut != "EN_COURS" {
		t.Errorf("event committed while the listener was down = %+v", ev)
	}
	// Wait for the listener to be back on a new connection (it retries within seconds; a
	// terminated backend can linger in pg_stat_activity a moment), then publish once.
	deadline := time.Now().Add(15 * time.Second)
	for {
		var back int
		err := e.DB.SQL.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND query ILIKE 'LISTEN%'
			AND pid <> ALL($2::int[])`, dbName, string(killed)).Scan(&back)
		if err != nil {
			t.Fatal(err)
		}
		if back > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the listener did not reconnect")
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.As(t, e.admin).MustData(changeStatut, map[string]any{"id": strconv.Itoa(iv.ID), "s": "EN_ATTENTE"}, &struct{}{})
	if ev := decodeStatut(t, ws.next(5*time.Second)).Data.InterventionStatutChanged; ev.NouveauStatut != "EN_ATTENTE" {
		t.Errorf("event after the reconnection = %+v", ev)
	}
}

const resumeSub = `subscription($iv: ID, $after: ID) { interventionStatutChanged(interventionId: $iv, after: $after) {
  nouveauStatut position } }`

type resumeEvent struct {
	Data struct {
		InterventionStatutChanged struct{ NouveauStatut, Position string }
	}
}

func (c *wsClient) nextStatut(timeout time.Duration) (statut, position string) {
	c.t.Helper()
	var ev resumeEvent
	raw := c.next(timeout)
	if err := json.Unmarshal(raw, &ev); err != nil {
		c.t.Fatalf("event %s: %v", raw, err)
	}
	return ev.Data.InterventionStatutChanged.NouveauStatut, ev.Data.InterventionStatutChanged.Position
}

// refusal reads the subscription's error message and returns its first error's code.
func (c *wsClient) refusal(timeout time.Duration) string {
	c.t.Helper()
	for deadline := time.Now().Add(timeout); ; {
		m, err := c.read(time.Until(deadline))
		if err != nil {
			c.t.Fatalf("no error within %s: %v", timeout, err)
		}
		switch m.Type {
		case "ka", "ping", "pong":
			continue
		case "error":
			var errs []struct {
				Extensions struct{ Code string }
			}
			if err := json.Unmarshal(m.Payload, &errs); err != nil || len(errs) == 0 {
				c.t.Fatalf("error payload %s: %v", m.Payload, err)
			}
			return errs[0].Extensions.Code
		case "next", "data":
			var r gqltest.Response
			if err := json.Unmarshal(m.Payload, &r); err == nil && len(r.Errors) > 0 {
				return r.Errors[0].Code()
			}
			c.t.Fatalf("an event where an error was expected: %s", m.Payload)
		default:
			c.t.Fatalf("unexpected message %s: %s", m.Type, m.Payload)
		}
	}
}

// TestResumeAfter: a subscriber that went away comes back with the last position it saw and
// receives, in order and once each, what happened meanwhile, then the live events. Past the
// retention it is told to refetch.
func TestResumeAfter(t *testing.T) {
	e := newIvEnv(t)
	iv := e.at(t, domain.StatutAffectee)
	admin := e.As(t, e.admin)
	move := func(s string) {
		admin.MustData(changeStatut, map[string]any{"id": strconv.Itoa(iv.ID), "s": s}, &struct{}{})
	}
	first, err := dialWS(t, e.Env, e.Token(t, e.admin), false)
	if err != nil {
		t.Fatal(err)
	}
	first.subscribe("1", resumeSub, map[string]any{"iv": strconv.Itoa(iv.ID)})
	waitSubscribers(t, e.Env, 1)
	move("EN_COURS")
	statut, seen := first.nextStatut(5 * time.Second)
	if statut != "EN_COURS" || seen == "" {
		t.Fatalf("first event %s at %q", statut, seen)
	}
	_ = first.conn.CloseNow()
	waitSubscribers(t, e.Env, 0)

	move("EN_ATTENTE") // missed
	move("EN_COURS")   // missed
	again, err := dialWS(t, e.Env, e.Token(t, e.admin), false)
	if err != nil {
		t.Fatal(err)
	}
	again.subscribe("1", resumeSub, map[string]any{"iv": strconv.Itoa(iv.ID), "after": seen})
	waitSubscribers(t, e.Env, 1)
	move("EN_ATTENTE") // live
	var got []string
	last := seen
	for range 3 {
		statut, pos := again.nextStatut(5 * time.Second)
		p, _ := strconv.Atoi(pos)
		l, _ := strconv.Atoi(last)
		if p <= l {
			t.Errorf("position %s after %s: repeated or out of order", pos, last)
		}
		got = append(got, statut)
		last = pos
	}
	if strings.Join(got, " ") != "EN_ATTENTE EN_COURS EN_ATTENTE" {
		t.Errorf("resumed with %v, want the two missed moves then the live one", got)
	}
	if m, err := again.read(2 * pubsub.PollInterval); err == nil && (m.Type == "next" || m.Type == "data") {
		t.Errorf("an event beyond the three: %s", m.Payload)
	}

	e.Deps.Events.Retention = time.Nanosecond
	e.Deps.Events.Prune(context.Background())
	late, err := dialWS(t, e.Env, e.Token(t, e.admin), false)
	if err != nil {
		t.Fatal(err)
	}
	late.subscribe("1", resumeSub, map[string]any{"iv": strconv.Itoa(iv.ID), "after": seen})
	if code := late.refusal(5 * time.Second); code != "REFETCH_REQUIRED" {
		t.Errorf("resuming after pruned events: code %q, want REFETCH_REQUIRED", code)
	}
}

// TestNotificationResumeAfter: notificationReceived(after:) gives the notifications written
// since the one given; another user's notification is not found.
func TestNotificationResumeAfter(t *testing.T) {
	e := newIvEnv(t)
	assign := func(titre string) {
		iv := e.Client.Intervention.Create().SetTitre(titre).SaveX(e.Sys)
		e.As(t, e.resp).MustData(`mutation($id: ID!, $t: ID!) { assignIntervention(id: $id, technicienId: $t) { id } }`,
			map[string]any{"id": strconv.Itoa(iv.ID), "t": strconv.Itoa(e.tech.ID)}, &struct{}{})
	}
	assign("Pompe A")
	var mine struct {
		Notifications struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	e.As(t, e.techUser).MustData(`{ notifications(first: 1) { edges { node { id } } } }`, nil, &mine)
	if len(mine.Notifications.Edges) != 1 {
		t.Fatalf("notifications = %+v", mine)
	}
	seen := mine.Notifications.Edges[0].Node.ID
	assign("Pompe B") // written while he is away

	ws, err := dialWS(t, e.Env, e.Token(t, e.techUser), false)
	if err != nil {
		t.Fatal(err)
	}
	ws.subscribe("1", `subscription($a: ID) { notificationReceived(after: $a) { id sujet } }`, map[string]any{"a": seen})
	var got struct {
		Data struct{ NotificationReceived struct{ ID, Sujet string } }
	}
	if err := json.Unmarshal(ws.next(5*time.Second), &got); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.Data.NotificationReceived.Sujet, "Pompe B") || got.Data.NotificationReceived.ID == seen {
		t.Errorf("resumed with %+v, want the notification of Pompe B", got.Data.NotificationReceived)
	}

	other, err := dialWS(t, e.Env, e.Token(t, e.admin), false)
	if err != nil {
		t.Fatal(err)
	}
	other.subscribe("1", `subscription($a: ID) { notificationReceived(after: $a) { id } }`, map[string]any{"a": seen})
	if code := other.refusal(5 * time.Second); code != "NOT_FOUND" {
		t.Errorf("after another user's notification: code %q, want NOT_FOUND", code)
	}
}

// TestResumeNonInterference: what a technician receives when he resumes after a position
// does not change with the moves of work he may not read, made while he was away: the
// missed events go through the same rule as the live ones.
func TestResumeNonInterference(t *testing.T) {
	received := func(othersMove bool) []string {
		e := newIvEnv(t)
		mine := e.at(t, domain.StatutAffectee)
		others := e.Client.Intervention.Create().SetTitre("Autre").SetStatut(domain.StatutAffectee).SetTechnicien(e.otherTech).SaveX(e.Sys)
		admin := e.As(t, e.admin)
		move := func(iv *ent.Intervention, s string) {
			admin.MustData(changeStatut, map[string]any{"id": strconv.Itoa(iv.ID), "s": s}, &struct{}{})
		}
		first, err := dialWS(t, e.Env, e.Token(t, e.techUser), false)
		if err != nil {
			t.Fatal(err)
		}
		first.subscribe("1", resumeSub, nil)
		waitSubscribers(t, e.Env, 1)
		move(mine, "EN_COURS")
		_, seen := first.nextStatut(5 * time.Second)
		_ = first.conn.CloseNow()
		waitSubscribers(t, e.Env, 0)

		if othersMove {
			move(others, "EN_COURS") // not his to read
		}
		move(mine, "EN_ATTENTE")
		again, err := dialWS(t, e.Env, e.Token(t, e.techUser), false)
		if err != nil {
			t.Fatal(err)
		}
		again.subscribe("1", resumeSub, map[string]any{"after": seen})
		statut, _ := again.nextStatut(5 * time.Second)
		got := []string{statut}
		if m, err := again.read(2 * pubsub.PollInterval); err == nil && (m.Type == "next" || m.Type == "data") {
			got = append(got, string(m.Payload))
		}
		return got
	}
	without, with := received(false), received(true)
	if strings.Join(without, "|") != strings.Join(with, "|") || len(with) != 1 || with[0] != "EN_ATTENTE" {
		t.Errorf("resumed without the other's move: %v; with it: %v; want [EN_ATTENTE] both times", without, with)
	}
}
