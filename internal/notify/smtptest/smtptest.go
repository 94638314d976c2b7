// Package smtptest runs a real SMTP server (github.com/emersion/go-smtp) on a loopback port
// for tests. It offers neither STARTTLS nor AUTH, keeps every message it accepts, and can be
// stopped ("SMTP is down"), restarted on the same port, or told to refuse messages with a
// temporary failure (451).
package smtptest

import (
	"encoding/base64"
	"io"
	"log"
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

	"github.com/emersion/go-smtp"
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

// run is one listening period, between a start and a Stop. go-smtp's servers cannot serve
// again once closed, so each period has its own.
type run struct {
	ln     net.Listener
	srv    *smtp.Server
	served chan struct{} // closed when Serve returned
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

// FailData makes the server refuse messages with "451 temporary failure" at the end of
// DATA (on), or accept them again (off).
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

// Stop closes the listener and every open connection: clients then get "connection
// refused", and a message still in transfer is not kept. Stopping a stopped server does
// nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	r := s.run
	s.run = nil
	s.mu.Unlock()
	if r == nil {
		return
	}
	// Close closes only the listeners Serve has registered: one just started may not be yet.
	_ = r.srv.Close()
	_ = r.ln.Close()
	<-r.served
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
	r := &run{ln: ln, served: make(chan struct{})}
	r.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{s: s, r: r}, nil
	}))
	r.srv.Domain = "localhost"
	r.srv.MaxMessageBytes = maxMessage
	r.srv.ReadTimeout = time.Minute
	r.srv.WriteTimeout = time.Minute
	r.srv.ErrorLog = log.New(io.Discard, "", 0)
	s.mu.Lock()
	s.run = r
	s.mu.Unlock()
	go func() {
		defer close(r.served)
		_ = r.srv.Serve(ln)
	}()
}

// session is one SMTP transaction's envelope; go-smtp checks the order of the commands.
type session struct {
	s    *Server
	r    *run
	from string
	to   []string
}

func (se *session) Reset()        { se.from, se.to = "", nil }
func (se *session) Logout() error { return nil }

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	se.from, se.to = from, nil
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.to = append(se.to, to)
	return nil
}

var errTempFailure = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "temporary failure, try again later"}

func (se *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err // smtp.ErrDataTooLarge answers 552 by itself
	}
	m := Message{From: se.from, To: append([]string(nil), se.to...), Data: string(b)}
	parse(&m)
	se.s.mu.Lock()
	defer se.s.mu.Unlock()
	if se.s.failData {
		return errTempFailure
	}
	if se.s.run != se.r {
		// Stopped while the message was in transfer: a server that is down keeps nothing.
		return errTempFailure
	}
	se.s.msgs = append(se.s.msgs, m)
	return nil
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
