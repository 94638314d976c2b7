package database

import (
	"bytes"
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// TestBufferedDialer: a connection of the dialer hands over what the server sent, whole and
// in order, however it was split, and does not wait for more than a short answer (the
// one-byte reply to an SSL request, after which the server waits for the client).
func TestBufferedDialer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	big := bytes.Repeat([]byte("0123456789abcdef"), 3*readBufferSize/16+7) // several buffers, not a multiple
	served := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			served <- err
			return
		}
		defer func() { _ = c.Close() }()
		if _, err := c.Write([]byte("S")); err != nil {
			served <- err
			return
		}
		hello := make([]byte, 5)
		if _, err := io.ReadFull(c, hello); err != nil {
			served <- err
			return
		}
		for rest := big; len(rest) > 0; { // in uneven pieces
			n := min(len(rest), 10_007)
			if _, err := c.Write(rest[:n]); err != nil {
				served <- err
				return
			}
			rest = rest[n:]
		}
		served <- nil
	}()

	c, err := bufferedDialer{}.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	if err := c.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	one := make([]byte, 1)
	if _, err := io.ReadFull(c, one); err != nil || one[0] != 'S' {
		t.Fatalf("first answer: %q, %v; want S", one, err)
	}
	if _, err := c.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(big))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("reading %d bytes: %v", len(big), err)
	}
	if !bytes.Equal(got, big) {
		t.Fatal("the bytes read differ from those sent")
	}
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	if n, err := c.Read(one); n != 0 || !errors.Is(err, io.EOF) {
		t.Errorf("after the server closed: %d bytes, %v; want EOF", n, err)
	}
}
