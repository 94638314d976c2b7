package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	htmltemplate "html/template"
	"log/slog"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/jordan-wright/email"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/i18n"
	"github.com/mifmaroc/erp/templates"
)

// Mail is one email to send.
type Mail struct {
	To      string
	Subject string
	Text    string
	HTML    string
	// MessageID is the Message-ID header, angle brackets included (see MessageID); empty: the
	// composer makes a random one.
	MessageID string
}

// MessageID is the Message-ID of notification n's email: the same at every attempt, so that a
// message sent again after a crash (the worker died between the send and its record) is
// recognisable as the same message by the recipient's mail software, which may then drop the
// duplicate. The creation instant is part of it beside the id: a database reset starts ids
// again, and a reused id must not make a new message look like an old one. domain is the
// right-hand side (SMTP_MESSAGE_ID_DOMAIN).
func MessageID(n *ent.Notification, domain string) string {
	return fmt.Sprintf("<notification-%d.%d@%s>", n.ID, n.CreatedAt.Unix(), domain)
}

// Sender delivers mail.
type Sender interface {
	Send(ctx context.Context, m Mail) error
}

// MailData is what the templates see.
type MailData struct {
	// Lang is the language of the email (the recipient's); Render writes French when empty.
	Lang         i18n.Lang
	Destinataire string
	Sujet        string
	Message      string
	Intervention *MailIntervention
}

// Dir is the direction of the email's text: rtl in Arabic.
func (d MailData) Dir() string { return d.Lang.Dir() }

// Align is the side the email's text starts from.
func (d MailData) Align() string {
	if d.Dir() == "rtl" {
		return "right"
	}
	return "left"
}

// MailIntervention describes the intervention a notification is about.
type MailIntervention struct {
	ID         int
	Titre      string
	Statut     string
	Priorite   string
	Equipement string
	DateLimite string
}

// Templates renders notifications, one HTML and one text template per type and language.
// The templates are written once; their texts go through the function t, the catalogue of
// the language (internal/i18n): {{t "Hello %s," .Destinataire}}.
type Templates struct {
	html map[i18n.Lang]map[domain.NotificationType]*htmltemplate.Template
	text map[i18n.Lang]map[domain.NotificationType]*texttemplate.Template
}

// LoadTemplates parses the embedded templates; a type without its two files is an error,
// caught at start.
func LoadTemplates() (*Templates, error) {
	t := &Templates{html: map[i18n.Lang]map[domain.NotificationType]*htmltemplate.Template{}, text: map[i18n.Lang]map[domain.NotificationType]*texttemplate.Template{}}
	for _, l := range i18n.Langs {
		funcs := map[string]any{"t": func(format string, args ...any) string { return i18n.Translate(l, format, args...) }}
		t.html[l], t.text[l] = map[domain.NotificationType]*htmltemplate.Template{}, map[domain.NotificationType]*texttemplate.Template{}
		for _, v := range domain.NotificationType("").Values() {
			name := "notification_" + strings.ToLower(v)
			h, err := htmltemplate.New("layout.html").Funcs(funcs).ParseFS(templates.FS, "layout.html", name+".html")
			if err != nil {
				return nil, fmt.Errorf("email template %s.html: %w", name, err)
			}
			x, err := texttemplate.New("layout.txt").Funcs(funcs).ParseFS(templates.FS, "layout.txt", name+".txt")
			if err != nil {
				return nil, fmt.Errorf("email template %s.txt: %w", name, err)
			}
			t.html[l][domain.NotificationType(v)], t.text[l][domain.NotificationType(v)] = h, x
		}
	}
	return t, nil
}

// Render builds the email of a notification of type typ, in d.Lang.
func (t *Templates) Render(typ domain.NotificationType, to string, d MailData) (Mail, error) {
	if _, ok := t.html[d.Lang]; !ok {
		d.Lang = i18n.Default
	}
	var h, x bytes.Buffer
	if err := t.html[d.Lang][typ].ExecuteTemplate(&h, "layout.html", d); err != nil {
		return Mail{}, fmt.Errorf("rendering %s html: %w", typ, err)
	}
	if err := t.text[d.Lang][typ].ExecuteTemplate(&x, "layout.txt", d); err != nil {
		return Mail{}, fmt.Errorf("rendering %s text: %w", typ, err)
	}
	return Mail{To: to, Subject: d.Sujet, Text: x.String(), HTML: h.String()}, nil
}

// LogSender is the sender without SMTP: it logs what would have been sent (seed §10.13).
type LogSender struct{ Log *slog.Logger }

// Send logs m.
func (s LogSender) Send(ctx context.Context, m Mail) error {
	s.Log.InfoContext(ctx, "email (logged: SMTP_HOST is not set)", "to", m.To, "subject", m.Subject, "message_id", m.MessageID)
	return nil
}

// SMTPSender sends through an SMTP server; jordan-wright/email composes the message.
type SMTPSender struct {
	Host     string
	Port     int
	User     string
	Password string
	From     string
	TLSMode  string        // starttls (when offered), tls (implicit) or none
	Timeout  time.Duration // for the whole conversation; default 30 s
}

// Send delivers m or returns why not; a failure leaves nothing half-sent on our side.
func (s SMTPSender) Send(ctx context.Context, m Mail) error {
	e := email.NewEmail()
	e.From = s.From
	e.To = []string{m.To}
	e.Subject = m.Subject
	e.Text = []byte(m.Text)
	e.HTML = []byte(m.HTML)
	if m.MessageID != "" {
		e.Headers.Set("Message-Id", m.MessageID)
	}
	raw, err := e.Bytes()
	if err != nil {
		return fmt.Errorf("composing the email: %w", err)
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	d := net.Dialer{Timeout: timeout}
	var conn net.Conn
	if s.TLSMode == "tls" {
		conn, err = (&tls.Dialer{NetDialer: &d, Config: &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", addr, err)
	}
	_ = conn.SetDeadline(time.Now().Add(timeout))
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		_ = conn.Close()
		return fmt.Errorf("greeting %s: %w", addr, err)
	}
	defer func() { _ = c.Close() }()
	if s.TLSMode == "starttls" {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(&tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}); err != nil {
				return fmt.Errorf("STARTTLS with %s: %w", addr, err)
			}
		}
	}
	if s.User != "" {
		if err := c.Auth(smtp.PlainAuth("", s.User, s.Password, s.Host)); err != nil {
			return fmt.Errorf("authenticating to %s: %w", addr, err)
		}
	}
	if err := c.Mail(fromAddress(s.From)); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := c.Rcpt(m.To); err != nil {
		return fmt.Errorf("RCPT TO %s: %w", m.To, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("writing the message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("ending the message: %w", err)
	}
	_ = c.Quit() // the server accepted the message when DATA ended; QUIT is courtesy
	return nil
}

// fromAddress keeps the address of a "Name <addr>" sender.
func fromAddress(from string) string {
	if i, j := strings.LastIndex(from, "<"), strings.LastIndex(from, ">"); i >= 0 && j > i {
		return from[i+1 : j]
	}
	return from
}
