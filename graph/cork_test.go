package graph

import (
	"bytes"
	"net"
	"strings"
	"testing"
)

// writesConn is a connection that records each write it is given (what reaches the socket
// in one system call).
type writesConn struct {
	net.Conn
	writes []string
	closed bool
}

func (c *writesConn) Write(p []byte) (int, error) {
	c.writes = append(c.writes, string(bytes.Clone(p)))
	return len(p), nil
}

func (c *writesConn) Close() error { c.closed = true; return nil }

func TestCorkedConn(t *testing.T) {
	big := strings.Repeat("x", corkLimit)
	for _, tt := range []struct {
		name string
		run  func(c *corkedConn)
		want []string
	}{
		{"Uncorked", func(c *corkedConn) {
			_, _ = c.Write([]byte("a"))
			_, _ = c.Write([]byte("b"))
		}, []string{"a", "b"}},
		{"CorkedGathered", func(c *corkedConn) {
			c.cork()
			_, _ = c.Write([]byte("a"))
			_, _ = c.Write([]byte("b"))
			_, _ = c.Write([]byte("c"))
			c.uncork()
			_, _ = c.Write([]byte("d"))
		}, []string{"abc", "d"}},
		{"LastUncorkWrites", func(c *corkedConn) {
			c.cork()
			c.cork() // a second subscription of the socket, busy too
			_, _ = c.Write([]byte("a"))
			c.uncork()
			_, _ = c.Write([]byte("b"))
			c.uncork()
		}, []string{"ab"}},
		{"PastTheLimit", func(c *corkedConn) {
			c.cork()
			_, _ = c.Write([]byte("a"))
			_, _ = c.Write([]byte(big))
			_, _ = c.Write([]byte("b"))
			c.uncork()
		}, []string{"a" + big, "b"}},
		{"CloseWrites", func(c *corkedConn) {
			c.cork()
			_, _ = c.Write([]byte("a"))
			_ = c.Close()
		}, []string{"a"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := &writesConn{}
			tt.run(&corkedConn{Conn: w})
			if len(w.writes) != len(tt.want) {
				t.Fatalf("%d writes, want %d", len(w.writes), len(tt.want))
			}
			for i := range w.writes {
				if w.writes[i] != tt.want[i] {
					t.Errorf("write %d = %.20q (%d bytes), want %.20q (%d bytes)", i, w.writes[i], len(w.writes[i]), tt.want[i], len(tt.want[i]))
				}
			}
		})
	}
}
