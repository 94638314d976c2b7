package graph_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
)

// TestShutdownAfterServerClose: a websocket the server closed for a client's mistake is no
// longer waited for at shutdown. gqlgen closes it and stops reading it, so the set of open
// websockets, which let one go when a read failed, kept it until SHUTDOWN_TIMEOUT.
func TestShutdownAfterServerClose(t *testing.T) {
	tests := []struct {
		name string
		// send is what the client says, the first message being connection_init.
		send func(token string) []map[string]any
	}{
		{"SecondInit", func(token string) []map[string]any {
			return []map[string]any{initMessage(token), initMessage(token)}
		}},
		{"UnknownMessage", func(token string) []map[string]any {
			return []map[string]any{initMessage(token), {"type": "bogus"}}
		}},
		{"InitRefused", func(string) []map[string]any { return []map[string]any{initMessage("")} }},
		// gqlgen returns without closing anything: the server closes it when its handler ends.
		{"InitPayloadNotObject", func(string) []map[string]any {
			return []map[string]any{{"type": "connection_init", "payload": []int{1}}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := apptest.New(t)
			token := env.Token(t, env.User(t, "Admin", domain.RoleAdmin))
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			//nolint:bodyclose // the websocket library closes the handshake response's body itself
			conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(env.URL, "http")+"/graphql",
				&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = conn.CloseNow() }()
			for _, m := range tt.send(token) {
				if err := wsjson.Write(ctx, conn, m); err != nil {
					t.Fatal(err)
				}
			}
			// The client reads until the server's close: its library answers it.
			for {
				var m map[string]any
				if err := wsjson.Read(ctx, conn, &m); err != nil {
					if websocket.CloseStatus(err) == -1 {
						t.Fatalf("the server did not close the websocket: %v", err)
					}
					break
				}
			}
			sctx, scancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer scancel()
			if err := env.Deps.Websockets.Shutdown(sctx); err != nil {
				t.Errorf("shutdown after the server closed the websocket: %v; want it not to wait", err)
			}
		})
	}
}

func initMessage(token string) map[string]any {
	payload := map[string]any{}
	if token != "" {
		payload["Authorization"] = "Bearer " + token
	}
	return map[string]any{"type": "connection_init", "payload": payload}
}
