// Package smtptest runs a small real SMTP server on a loopback port for tests. It speaks
// enough of RFC 5321 for net/smtp's client (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT;
// no STARTTLS, no AUTH), keeps every message it accepts, and can be stopped ("SMTP is down"),
// restarted on the same port, or told to answer DATA with a temporary failure (451).
package smtptest

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// maxMessage bounds what DATA accepts, so a runaway client cannot exhaust memory.
const maxMessage = 10 << 20

// Message is one message the server accepted.
type Message struct {
	From string   // envelope sender (MAIL FROM)
	To   []string // envelope recipients (RCPT TO)
	Data string   // the message as transmitted, dot-stuffing removed, lines ending in CRLF

	// Parsed from Data when possible (left empty otherwise).
	Header  mail.Header
	Subject string // decoded (RFC 2047)
	Text    string // decoded text/plain body
	HTML    string // decoded text/html body
}

// Server is a running (or stopped) test SMTP server.
type Server struct {
	addr string // host:port, fixed at the first start and reused by Restart

	mu       sync.Mutex
	run      *run
	msgs     []Message
	failData bool
}

// run is one listening period, between a start and a Stop.
type run struct {
	ln      net.Listener
	wg      sync.WaitGroup
	mu      sync.Mutex
	conns   map[net.Conn]struct{}
	stopped bool
}

// Start listens on 127.0.0.1 on a free port; the server is stopped when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("smtptest: listening: %v", err)
	}
	s := &Server{addr: ln.Addr().String()}
	s.serve(ln)
	tb.Cleanup(s.Stop)
	return s
}

// Addr is the host:port the server listens on.
func (s *Server) Addr() string { return s.addr }

// Port is the port the server listens on.
func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(s.addr)
	n, _ := strconv.Atoi(p)
	return n
}

// Messages returns a copy of the messages accepted so far, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.msgs))
	for i, m := range s.msgs {
		m.To = append([]string(nil), m.To...)
		out[i] = m
	}
	return out
}

// Reset forgets the messages accepted so far.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = nil
}

// FailData makes the server answer DATA with "451 temporary failure" (on) or accept
// messages again (off).
func (s *Server) FailData(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failData = on
}

// Running reports whether the server listens.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.run != nil
}

// Stop closes the listener and every open connection, and waits for them to end: clients
// then get "connection refused". Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	r := s.run
	s.run = nil
	s.mu.Unlock()
	if r == nil {
		return
	}
	r.mu.Lock()
	r.stopped = true
	_ = r.ln.Close()
	for c := range r.conns {
		_ = c.Close()
	}
	r.mu.Unlock()
	r.wg.Wait()
}

// Restart listens again on the same port after Stop (it retries for a short while if the
// port is not free yet). Restarting a running server does nothing.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	if s.Running() {
		return
	}
	var ln net.Listener
	var err error
	for range 50 {
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		tb.Fatalf("smtptest: listening again on %s: %v", s.addr, err)
	}
	s.serve(ln)
}

func (s *Server) serve(ln net.Listener) {
	r := &run{ln: ln, conns: map[net.Conn]struct{}{}}
	s.mu.Lock()
	s.run = r
	s.mu.Unlock()
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				if errors.Is(err, net.ErrClosed) {
					return
				}
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					continue
				}
				return
			}
			r.mu.Lock()
			if r.stopped {
				r.mu.Unlock()
				_ = c.Close()
				return
			}
			r.conns[c] = struct{}{}
			r.wg.Add(1) // the accept loop still holds one count: no race with Wait
			r.mu.Unlock()
			go func() {
				defer r.wg.Done()
				defer func() {
					r.mu.Lock()
					delete(r.conns, c)
					r.mu.Unlock()
					_ = c.Close()
				}()
				s.session(c)
			}()
		}
	}()
}

// session holds one SMTP conversation.
func (s *Server) session(c net.Conn) {
	_ = c.SetDeadline(time.Now().Add(time.Minute))
	tp := textproto.NewConn(c)
	reply := func(format string, args ...any) bool { return tp.PrintfLine(format, args...) == nil }
	if !reply("220 localhost ESMTP smtptest") {
		return
	}
	var (
		greeted bool
		from    string
		hasFrom bool
		to      []string
	)
	reset := func() { from, hasFrom, to = "", false, nil }
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		arg = strings.TrimSpace(arg)
		var ok bool
		switch strings.ToUpper(verb) {
		case "EHLO":
			greeted = true
			reset()
			ok = reply("250-localhost greets %s", arg) && reply("250-8BITMIME") && reply("250 SIZE %d", maxMessage)
		case "HELO":
			greeted = true
			reset()
			ok = reply("250 localhost greets %s", arg)
		case "MAIL":
			p, found := cutPrefixFold(arg, "FROM:")
			switch {
			case !greeted:
				ok = reply("503 5.5.1 say EHLO first")
			case hasFrom:
				ok = reply("503 5.5.1 nested MAIL command")
			case !found:
				ok = reply("501 5.5.4 syntax: MAIL FROM:<address>")
			default:
				addr, perr := path(p)
				if perr != nil {
					ok = reply("501 5.1.7 %v", perr)
					break
				}
				from, hasFrom, to = addr, true, nil
				ok = reply("250 2.1.0 ok")
			}
		case "RCPT":
			p, found := cutPrefixFold(arg, "TO:")
			switch {
			case !hasFrom:
				ok = reply("503 5.5.1 need MAIL first")
			case !found:
				ok = reply("501 5.5.4 syntax: RCPT TO:<address>")
			default:
				addr, perr := path(p)
				if perr != nil || addr == "" {
					ok = reply("501 5.1.3 bad recipient address")
					break
				}
				to = append(to, addr)
				ok = reply("250 2.1.5 ok")
			}
		case "DATA":
			s.mu.Lock()
			fail := s.failData
			s.mu.Unlock()
			switch {
			case len(to) == 0:
				ok = reply("503 5.5.1 need RCPT first")
			case fail:
				reset()
				ok = reply("451 4.3.0 temporary failure, try again later")
			default:
				if !reply("354 end data with <CR><LF>.<CR><LF>") {
					return
				}
				data, derr := readData(&tp.Reader)
				if derr != nil {
					if errors.Is(derr, errTooBig) {
						reset()
						ok = reply("552 5.3.4 message too big")
						break
					}
					return
				}
				s.accept(from, to, data)
				reset()
				ok = reply("250 2.0.0 ok: queued")
			}
		case "RSET":
			reset()
			ok = reply("250 2.0.0 ok")
		case "NOOP":
			ok = reply("250 2.0.0 ok")
		case "VRFY":
			ok = reply("252 2.5.2 cannot verify")
		case "QUIT":
			_ = reply("221 2.0.0 bye")
			return
		default:
			ok = reply("502 5.5.2 command not implemented")
		}
		if !ok {
			return
		}
	}
}

var errTooBig = errors.New("message too big")

// readData reads a dot-terminated block and removes dot-stuffing, keeping CRLF line ends.
func readData(r *textproto.Reader) (string, error) {
	var b strings.Builder
	tooBig := false
	for {
		line, err := r.ReadLine()
		if err != nil {
			return "", err
		}
		if line == "." {
			break
		}
		line = strings.TrimPrefix(line, ".")
		if b.Len()+len(line)+2 > maxMessage {
			tooBig = true // keep reading up to the final dot, then refuse
			continue
		}
		b.WriteString(line)
		b.WriteString("\r\n")
	}
	if tooBig {
		return "", errTooBig
	}
	return b.String(), nil
}

func (s *Server) accept(from string, to []string, data string) {
	m := Message{From: from, To: append([]string(nil), to...), Data: data}
	parse(&m)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
}

// cutPrefixFold is strings.CutPrefix ignoring case.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return strings.TrimSpace(s[len(prefix):]), true
	}
	return s, false
}

// path extracts the address of "<addr> [params]" (the null path "<>" is "").
func path(s string) (string, error) {
	if !strings.HasPrefix(s, "<") {
		// Lenient: a bare address, without parameters.
		a, _, _ := strings.Cut(s, " ")
		if a == "" {
			return "", fmt.Errorf("missing address")
		}
		return a, nil
	}
	end := strings.Index(s, ">")
	if end < 0 {
		return "", fmt.Errorf("unterminated address %q", s)
	}
	return s[1:end], nil
}

// parse fills the parsed fields of m; what does not parse is left empty.
func parse(m *Message) {
	msg, err := mail.ReadMessage(strings.NewReader(m.Data))
	if err != nil {
		return
	}
	m.Header = msg.Header
	dec := new(mime.WordDecoder)
	if subj, err := dec.DecodeHeader(msg.Header.Get("Subject")); err == nil {
		m.Subject = subj
	} else {
		m.Subject = msg.Header.Get("Subject")
	}
	walk(m, textproto.MIMEHeader(msg.Header), msg.Body, 0)
}

// walk decodes a body part: a text part fills Text or HTML (the first of each), a multipart
// one is walked part by part.
func walk(m *Message, h textproto.MIMEHeader, body io.Reader, depth int) {
	if depth > 10 {
		return
	}
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart() // decodes quoted-printable by itself
			if err != nil {
				return
			}
			walk(m, p.Header, p, depth+1)
		}
	}
	r := body
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))) {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body) // skips line breaks
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return
	}
	switch {
	case mt == "text/plain" && m.Text == "":
		m.Text = string(b)
	case mt == "text/html" && m.HTML == "":
		m.HTML = string(b)
	}
}
