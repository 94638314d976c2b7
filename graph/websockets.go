package graph

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	coderws "github.com/coder/websocket"

	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// Websockets keeps the open GraphQL websockets so that a shutdown can tell their clients the
// server is going away (close status 1001) and wait for them to go: http.Server.Shutdown
// neither waits for nor closes connections taken over by a websocket, and a client whose
// socket merely drops cannot tell a restart, which calls for a prompt reconnection, from a
// network fault.
type Websockets struct {
	mu      sync.Mutex
	open    map[*trackedWebsocket]struct{}
	closing bool
}

// NewWebsockets returns an empty set of websockets.
func NewWebsockets() *Websockets {
	return &Websockets{open: map[*trackedWebsocket]struct{}{}}
}

// Open is how many websockets are open.
func (ws *Websockets) Open() int {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return len(ws.open)
}

// goingAway is the reason sent with status 1001.
const goingAway = "server shutting down"

// Shutdown closes every open websocket with status 1001 (going away), as well as any
// accepted from now on, and waits until their clients answered the close, or ctx ends.
func (ws *Websockets) Shutdown(ctx context.Context) error {
	ws.mu.Lock()
	ws.closing = true
	conns := make([]*trackedWebsocket, 0, len(ws.open))
	for c := range ws.open {
		conns = append(conns, c)
	}
	ws.mu.Unlock()
	for _, c := range conns {
		c.goAway()
	}
	for i, c := range conns {
		select {
		case <-c.ended:
		case <-ctx.Done():
			return fmt.Errorf("%d of %d websockets still open after going away: %w", len(conns)-i, len(conns), ctx.Err())
		}
	}
	return nil
}

func (ws *Websockets) wrap(impl transport.WebsocketImplementation) transport.WebsocketImplementation {
	return trackingImplementation{inner: impl, set: ws}
}

func (ws *Websockets) add(c *trackedWebsocket) {
	ws.mu.Lock()
	closing := ws.closing
	if !closing {
		ws.open[c] = struct{}{}
	}
	ws.mu.Unlock()
	if closing {
		c.goAway()
		c.end()
	}
}

func (ws *Websockets) remove(c *trackedWebsocket) {
	ws.mu.Lock()
	delete(ws.open, c)
	ws.mu.Unlock()
}

type trackingImplementation struct {
	inner transport.WebsocketImplementation
	set   *Websockets
}

func (t trackingImplementation) Accept(w http.ResponseWriter, r *http.Request, opts transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	cw := &corkingWriter{ResponseWriter: w}
	conn, err := t.inner.Accept(cw, r, opts)
	if err != nil {
		return nil, err
	}
	c := &trackedWebsocket{WebsocketConn: conn, set: t.set, ended: make(chan struct{}), cork: cw.conn}
	if ls := liveSocketFrom(r.Context()); ls != nil {
		ls.conn = c
	}
	t.set.add(c)
	// The transport is done with the connection when its handler returns, which ends the
	// request's context. After a close of its own (a protocol error, a refused
	// connection_init) nobody reads the connection any more, so no failed read would let it
	// go; and a connection_init whose payload is not an object makes gqlgen return without
	// closing anything, which this close makes up for (it does nothing after another one).
	context.AfterFunc(r.Context(), func() {
		_ = c.WriteClose(int(coderws.StatusProtocolError), "protocol error")
		c.end()
	})
	return c, nil
}

// trackedWebsocket is a connection of the set until its reads end or its handler returns:
// once the peer answered our close frame (or the connection died), or the transport gave it
// up, nothing more goes through it.
type trackedWebsocket struct {
	transport.WebsocketConn
	set     *Websockets
	cork    *corkedConn // nil when the library did not hijack through corkingWriter
	endOnce sync.Once
	ended   chan struct{}

	closeMu     sync.Mutex
	closeCode   int // instead of the transport's own, when set
	closeReason string
}

// closeWith makes the close the transport is about to send carry code and reason: it only
// knows normal closure and protocol errors.
func (c *trackedWebsocket) closeWith(code int, reason string) {
	c.closeMu.Lock()
	defer c.closeMu.Unlock()
	if c.closeCode == 0 {
		c.closeCode, c.closeReason = code, reason
	}
}

func (c *trackedWebsocket) WriteClose(code int, reason string) error {
	c.closeMu.Lock()
	if c.closeCode != 0 {
		code, reason = c.closeCode, c.closeReason
	}
	c.closeMu.Unlock()
	return c.WebsocketConn.WriteClose(code, reason)
}

func (c *trackedWebsocket) NextReader() (int, io.Reader, error) {
	typ, r, err := c.WebsocketConn.NextReader()
	if err != nil {
		c.end()
	}
	return typ, r, err
}

func (c *trackedWebsocket) end() {
	c.endOnce.Do(func() {
		c.set.remove(c)
		close(c.ended)
	})
}

// goAway starts the close handshake with 1001; the transport's own close that follows is
// then a no-op, so the client sees this status rather than a normal closure.
func (c *trackedWebsocket) goAway() {
	_ = c.WebsocketConn.WriteClose(int(coderws.StatusGoingAway), goingAway)
}

// SetReadLimit and SetReadDeadline pass the transport's optional settings through.
func (c *trackedWebsocket) SetReadLimit(limit int64) {
	if l, ok := c.WebsocketConn.(transport.WebsocketReadLimiter); ok {
		l.SetReadLimit(limit)
	}
}

func (c *trackedWebsocket) SetReadDeadline(t time.Time) error {
	if d, ok := c.WebsocketConn.(transport.WebsocketReadDeadliner); ok {
		return d.SetReadDeadline(t)
	}
	return nil
}
