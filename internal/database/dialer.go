package database

import (
	"bufio"
	"context"
	"net"
	"time"
)

// readBufferSize is how much of PostgreSQL's answer one read system call may take.
// lib/pq reads the socket through a 4 KiB buffer, so a page of the list screen took several
// reads, each a system call and, on loopback, the kernel's work for it (see
// docs/decisions.md, "Hot reads run to the end; PostgreSQL is read in large chunks").
// Connections are few (DB_MAX_OPEN_CONNS), so a larger buffer per connection is cheap.
const readBufferSize = 64 << 10

// bufferedDialer is lib/pq's default dialer with connections that read in large chunks.
type bufferedDialer struct{ d net.Dialer }

func (b bufferedDialer) Dial(network, address string) (net.Conn, error) {
	return b.DialContext(context.Background(), network, address)
}

func (b bufferedDialer) DialTimeout(network, address string, timeout time.Duration) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return b.DialContext(ctx, network, address)
}

func (b bufferedDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	c, err := b.d.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	return &bufferedConn{Conn: c, r: bufio.NewReaderSize(c, readBufferSize)}, nil
}

// bufferedConn reads through its buffer; the rest (writes, deadlines, close) is the socket's.
// TLS, when the URL asks for it, wraps this connection: the server sends nothing between
// its one-byte answer to the SSL request and the handshake, so nothing of it is buffered
// ahead.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }
