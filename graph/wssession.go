package graph

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	coderws "github.com/coder/websocket"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/i18n"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Close codes of a websocket whose viewer no longer holds, as graphql-transport-ws uses them
// (the legacy graphql-ws subprotocol gets the same).
const (
	// CloseUnauthorized: the token expired, or its session ended (logout, refresh token
	// reuse, password change, deactivation, deletion). Refresh or log in, then reconnect.
	CloseUnauthorized = 4401
	// CloseForbidden: the account's permissions changed (role, technician profile, client
	// company). Reconnect: the subscriptions then follow the new permissions.
	CloseForbidden = 4403
)

// DefaultSessionCheck is how often an open websocket re-checks its viewer when
// Options.SessionCheck is not set: often enough that a change closes it within a second.
const DefaultSessionCheck = 500 * time.Millisecond

// A subscription is opened with the viewer of connection_init, but the account may change
// while the socket stays open: a subscriber must never receive what his current state no
// longer allows. So every event is delivered only after the token is checked again (through
// the auth service, whose cache makes this a map lookup most of the time), and a watcher
// checks each connection periodically, so that a socket whose session ended is closed even
// when no event comes. Either way the socket is closed with a code that tells the client
// what to do.

// liveSocket is what one websocket connection shares between its upgrade, its
// connection_init and its subscriptions.
type liveSocket struct {
	conn *trackedWebsocket // set at the upgrade

	// Set by connection_init once the token is accepted.
	auth   *auth.Service
	token  string
	viewer viewer.Viewer
	cancel context.CancelFunc // ends the connection's context: the transport then closes
	log    *slog.Logger

	ended   atomic.Bool
	failing atomic.Bool // the last check could not be made (database unreachable)
}

type liveSocketKey struct{}

func withLiveSocket(ctx context.Context, ls *liveSocket) context.Context {
	return context.WithValue(ctx, liveSocketKey{}, ls)
}

func liveSocketFrom(ctx context.Context) *liveSocket {
	ls, _ := ctx.Value(liveSocketKey{}).(*liveSocket)
	return ls
}

// websocketTransport is gqlgen's websocket transport with a liveSocket in each
// connection's context, for the upgrade and connection_init to fill in.
type websocketTransport struct {
	transport.Websocket
}

func (t websocketTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ls := &liveSocket{}
	defer ls.stop()
	t.Websocket.Do(w, r.WithContext(withLiveSocket(r.Context(), ls)), exec)
}

// newWebsocketTransport serves subscriptions over websockets, tracked by set, each
// connection authenticated by its connection_init and re-checked every `every`.
func newWebsocketTransport(a *auth.Service, set *Websockets, origins []string, every time.Duration, log *slog.Logger) websocketTransport {
	if every <= 0 {
		every = DefaultSessionCheck
	}
	return websocketTransport{transport.Websocket{
		Implementation: set.wrap(transport.CoderWebsocketImplementation{
			AcceptOptions: coderws.AcceptOptions{OriginPatterns: originHosts(origins)},
		}),
		InitFunc:              websocketAuth(a, every, log),
		InitTimeout:           10 * time.Second,
		KeepAlivePingInterval: 15 * time.Second, // graphql-ws (legacy) keep-alive
		PingPongInterval:      15 * time.Second, // graphql-transport-ws ping/pong
	}}
}

// websocketAuth authenticates a websocket from its connection_init payload
// ({"Authorization": "Bearer …"}); without a valid token the connection is refused (closed
// with CloseUnauthorized). An accepted connection is watched until it ends.
func websocketAuth(a *auth.Service, every time.Duration, log *slog.Logger) transport.WebsocketInitFunc {
	return func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		refuse := func(code int, msg string) (context.Context, *transport.InitPayload, error) {
			ctx = transport.WithWebsocketCloseCode(ctx, code)
			return transport.AppendCloseReason(ctx, closeReason(msg)), nil, errors.New(msg)
		}
		ls := liveSocketFrom(ctx)
		if ls == nil || ls.conn == nil {
			return refuse(int(coderws.StatusInternalError), "websocket not served by this server's transport")
		}
		scheme, token, ok := strings.Cut(strings.TrimSpace(p.Authorization()), " ")
		token = strings.TrimSpace(token)
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			return refuse(CloseUnauthorized, `authentication required: send {"Authorization": "Bearer <token>"} in connection_init`)
		}
		v, err := a.Authenticate(ctx, token)
		if e, meant := domain.AsError(err); meant {
			return refuse(CloseUnauthorized, "authentication refused: "+e.Message)
		}
		if err != nil {
			log.WarnContext(ctx, "authenticating websocket", "error", err)
			return refuse(int(coderws.StatusTryAgainLater), "authentication unavailable: try again")
		}
		ctx, cancel := context.WithCancel(ctx)
		ls.auth, ls.token, ls.viewer, ls.cancel, ls.log = a, token, *v, cancel, log
		go ls.watch(ctx, every)
		// The payload's user replaces whatever the upgrade request carried; so does its
		// language, for clients (browsers) that cannot set the upgrade's headers.
		if l, ok := payloadLang(p); ok {
			ctx = i18n.WithLang(ctx, l)
		}
		return viewer.NewContext(ctx, v), nil, nil
	}
}

// payloadLang is the language connection_init asks for ("acceptLanguage" or
// "Accept-Language", an Accept-Language value), if any.
func payloadLang(p transport.InitPayload) (i18n.Lang, bool) {
	for _, k := range []string{"acceptLanguage", "Accept-Language"} {
		if h, ok := p[k].(string); ok && strings.TrimSpace(h) != "" {
			return i18n.FromAcceptLanguage(h), true
		}
	}
	return "", false
}

// watch checks the connection's viewer every `every` until the connection ends.
func (ls *liveSocket) watch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			ls.admits(ctx)
		}
	}
}

// admits reports whether an event may be delivered now: the token still opens its session
// and the account's permissions are those the connection's context carries, so that a
// payload rendered with that context is rendered for the current viewer. When the viewer
// no longer holds, the connection is closed (CloseUnauthorized or CloseForbidden). When the
// check cannot be made, nothing is delivered and the connection stays open.
func (ls *liveSocket) admits(ctx context.Context) bool {
	if ls == nil || ls.auth == nil || ls.ended.Load() {
		return false
	}
	v, err := ls.auth.Authenticate(ctx, ls.token)
	if e, meant := domain.AsError(err); meant {
		reason := "unauthorized: " + e.Message
		if errors.Is(err, auth.ErrTokenExpired) {
			reason = "token expired: refresh it and reconnect"
		}
		ls.end(CloseUnauthorized, reason)
		return false
	}
	if err != nil {
		if ctx.Err() == nil && !ls.failing.Swap(true) {
			ls.log.WarnContext(ctx, "re-checking a websocket's viewer", "error", err)
		}
		return false
	}
	ls.failing.Store(false)
	if !samePermissions(*v, ls.viewer) {
		ls.end(CloseForbidden, "permissions changed: reconnect")
		return false
	}
	return true
}

// samePermissions reports whether the access rules treat a and b alike: they read the
// user, his role, technician profile and client company.
func samePermissions(a, b viewer.Viewer) bool {
	return a.UserID == b.UserID && a.Role == b.Role && a.TechnicienID == b.TechnicienID && a.SocieteID == b.SocieteID
}

// corkedConn is the socket's connection as the websocket library writes it (nil: none).
func (ls *liveSocket) corkedConn() *corkedConn {
	if ls == nil || ls.conn == nil {
		return nil
	}
	return ls.conn.cork
}

// end closes the connection with code: its subscriptions stop and the transport closes
// the socket, with this code instead of a normal closure.
func (ls *liveSocket) end(code int, reason string) {
	if !ls.ended.CompareAndSwap(false, true) {
		return
	}
	ls.conn.closeWith(code, closeReason(reason))
	ls.cancel()
}

// stop releases the connection's watcher once the transport is done with it.
func (ls *liveSocket) stop() {
	if ls.cancel != nil {
		ls.cancel()
	}
}

// maxCloseReason is the longest reason a close frame carries (RFC 6455 §5.5: 125 bytes of
// payload, 2 of which are the code).
const maxCloseReason = 123

func closeReason(s string) string {
	if len(s) <= maxCloseReason {
		return s
	}
	s = s[:maxCloseReason]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
