package graph_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
)

// TestWebsocketLanguage: a subscription's errors come in the upgrade request's language,
// unless connection_init names another.
func TestWebsocketLanguage(t *testing.T) {
	e := apptest.New(t)
	token := e.Token(t, e.User(t, "Admin", domain.RoleAdmin))
	tests := []struct {
		name, header, payload, want string
	}{
		{"Upgrade", "en", "", "intervention 987654 not found"},
		{"Payload", "en", "ar", "التدخل 987654 غير موجود"},
		{"Default", "", "", "intervention 987654 introuvable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			h := http.Header{}
			if tt.header != "" {
				h.Set("Accept-Language", tt.header)
			}
			//nolint:bodyclose // the websocket library closes the handshake response's body itself
			conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.URL, "http")+"/graphql",
				&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: h})
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = conn.CloseNow() }()
			payload := map[string]any{"Authorization": "Bearer " + token}
			if tt.payload != "" {
				payload["acceptLanguage"] = tt.payload
			}
			send := func(m map[string]any) {
				if err := wsjson.Write(ctx, conn, m); err != nil {
					t.Fatal(err)
				}
			}
			send(map[string]any{"type": "connection_init", "payload": payload})
			send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
				"query": `subscription { commentaireAjoute(interventionId: 987654) { id } }`}})
			for {
				var m struct {
					Type    string          `json:"type"`
					Payload json.RawMessage `json:"payload"`
				}
				if err := wsjson.Read(ctx, conn, &m); err != nil {
					t.Fatal(err)
				}
				switch m.Type {
				case "connection_ack", "ping", "pong", "ka":
					continue
				case "error", "next":
					if !strings.Contains(string(m.Payload), tt.want) {
						t.Errorf("%s %s, want %q", m.Type, m.Payload, tt.want)
					}
					return
				default:
					t.Fatalf("unexpected %s %s", m.Type, m.Payload)
				}
			}
		})
	}
}
