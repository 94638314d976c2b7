package graph

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"sync"
)

// A websocket message costs one write to the socket (the library flushes each frame), and
// at a thousand subscribers those system calls are most of the fan-out's time. A
// subscription that has more events waiting corks its connection: what it writes meanwhile
// is gathered and leaves in one write when its queue is empty (or the gathered bytes reach
// corkLimit, or the connection closes). An idle subscriber's message leaves at once, so
// corking only changes anything for one that is behind, which it helps catch up.

// corkLimit bounds what a corked connection gathers before writing anyway.
const corkLimit = 64 << 10

// corkedConn is the hijacked connection of a websocket, written through by the websocket
// library.
type corkedConn struct {
	net.Conn
	mu     sync.Mutex
	corked int // subscriptions busy with waiting events
	buf    []byte
}

func (c *corkedConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.corked > 0 && len(c.buf)+len(p) <= corkLimit {
		c.buf = append(c.buf, p...)
		return len(p), nil
	}
	if len(c.buf) == 0 {
		return c.Conn.Write(p)
	}
	c.buf = append(c.buf, p...)
	return len(p), c.flushLocked()
}

// cork holds the writes until the matching uncork.
func (c *corkedConn) cork() {
	c.mu.Lock()
	c.corked++
	c.mu.Unlock()
}

// uncork ends a cork; the last one writes what was gathered.
func (c *corkedConn) uncork() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.corked--; c.corked == 0 {
		_ = c.flushLocked() // a broken connection is the transport's to report, at its next write
	}
}

func (c *corkedConn) flushLocked() error {
	if len(c.buf) == 0 {
		return nil
	}
	_, err := c.Conn.Write(c.buf)
	c.buf = c.buf[:0]
	if err != nil {
		return fmt.Errorf("writing gathered websocket frames: %w", err)
	}
	return nil
}

func (c *corkedConn) Close() error {
	c.mu.Lock()
	_ = c.flushLocked()
	c.mu.Unlock()
	return c.Conn.Close()
}

// corkingWriter hands the websocket library a corkedConn when it hijacks the connection.
type corkingWriter struct {
	http.ResponseWriter
	conn *corkedConn
}

func (w *corkingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	// Through the middlewares' writers (their Unwrap), as the websocket library would.
	conn, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, fmt.Errorf("hijacking the websocket's connection: %w", err)
	}
	if brw.Writer.Buffered() > 0 { // the handshake's response, if net/http left it there
		if err := brw.Flush(); err != nil {
			return nil, nil, fmt.Errorf("flushing the handshake: %w", err)
		}
	}
	w.conn = &corkedConn{Conn: conn}
	brw.Writer.Reset(w.conn) // its buffer, now writing through the cork
	return w.conn, brw, nil
}

// Unwrap lets http.ResponseController reach the writers underneath.
func (w *corkingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
