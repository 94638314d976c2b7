// Package i18n renders the texts users read (API error messages, notifications, emails) in
// French, English or Arabic. The English text of a message is its key (as gettext's msgid):
// code writes English format strings, and the catalogues in locales/ map each to its
// translation with the same fmt verbs. A text missing from a catalogue is shown in English,
// never as a key or a marker; TestCatalogues finds such gaps before they ship.
package i18n

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Lang is a language the API speaks.
type Lang string

// The languages: French is the default, as the users of MIF Maroc speak it.
const (
	FR Lang = "fr"
	EN Lang = "en"
	AR Lang = "ar"
)

// Default is the language of a request that asks for none we speak.
const Default = FR

// Langs lists every language, the default first.
var Langs = []Lang{FR, EN, AR}

// Dir is the writing direction of l, for HTML's dir attribute: rtl for Arabic.
func (l Lang) Dir() string {
	if l == AR {
		return "rtl"
	}
	return "ltr"
}

// Parse reads a language tag (fr, ar-MA, EN) and reports whether it is one of ours.
func Parse(tag string) (Lang, bool) {
	base, _, _ := strings.Cut(strings.TrimSpace(tag), "-")
	base, _, _ = strings.Cut(base, "_")
	switch l := Lang(strings.ToLower(base)); l {
	case FR, EN, AR:
		return l, true
	}
	return "", false
}

// FromAcceptLanguage picks the language of an Accept-Language header: the one of ours with
// the highest q-value (the first listed among equals), Default when the header names none
// of ours. A wildcard (*) leaves the choice to us, hence Default.
func FromAcceptLanguage(header string) Lang {
	best, bestQ := Default, 0.0
	for part := range strings.SplitSeq(header, ",") {
		tag, params, _ := strings.Cut(part, ";")
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0
				}
				q = f
			}
		}
		l, ok := Parse(tag)
		if ok && q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

type ctxKey struct{}

// WithLang returns ctx carrying l, the language the request's texts are written in.
func WithLang(ctx context.Context, l Lang) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// LangFrom is the language ctx carries, Default when none.
func LangFrom(ctx context.Context) Lang {
	if l, ok := ctx.Value(ctxKey{}).(Lang); ok {
		return l
	}
	return Default
}

// Localizer is an argument that writes itself in each language (a nested message, a date):
// Translate renders it in the language of the text it goes into.
type Localizer interface {
	Localize(l Lang) string
}

// Message is a text to render later, in the reader's language: an English format and its
// arguments.
type Message struct {
	Format string
	Args   []any
}

// M makes a Message; format must be a literal (it is a catalogue key, and the catalogue
// test collects the literals passed to M).
func M(format string, args ...any) Message { return Message{Format: format, Args: args} }

// Localize renders m in l.
func (m Message) Localize(l Lang) string { return Translate(l, m.Format, m.Args...) }

// String renders m in English, for logs.
func (m Message) String() string { return m.Localize(EN) }

// Text is a message without arguments whose key is not a literal at the place it is
// rendered: the literal is where the Text was made (an action named to viewer.Require).
type Text string

// Localize is t in l.
func (t Text) Localize(l Lang) string { return Lookup(l, string(t)) }

// Join renders messages one after the other with sep between them.
type Join struct {
	Items []Message
	Sep   string
}

// Localize renders every item in l.
func (j Join) Localize(l Lang) string {
	out := make([]string, len(j.Items))
	for i, m := range j.Items {
		out[i] = m.Localize(l)
	}
	return strings.Join(out, j.Sep)
}

//go:embed locales/*.json
var files embed.FS

// catalogues maps each language but English to its translations, English format first.
var catalogues = mustLoad()

func mustLoad() map[Lang]map[string]string {
	c := map[Lang]map[string]string{}
	for _, l := range Langs {
		if l == EN {
			continue
		}
		raw, err := files.ReadFile("locales/" + string(l) + ".json")
		if err != nil {
			panic(fmt.Sprintf("i18n: catalogue %s: %v", l, err))
		}
		m := map[string]string{}
		if err := json.Unmarshal(raw, &m); err != nil {
			panic(fmt.Sprintf("i18n: catalogue %s: %v", l, err))
		}
		c[l] = m
	}
	return c
}

// Catalogue is a copy of the translations of l (English: none, it is the keys).
func Catalogue(l Lang) map[string]string {
	out := make(map[string]string, len(catalogues[l]))
	for k, v := range catalogues[l] {
		out[k] = v
	}
	return out
}

// Lookup is the translation of the English format in l, the format itself when l is
// English or the catalogue lacks it.
func Lookup(l Lang, format string) string {
	if t, ok := catalogues[l][format]; ok && t != "" {
		return t
	}
	return format
}

// Translate renders format in l with args; an argument that is a Localizer is rendered in
// l first.
func Translate(l Lang, format string, args ...any) string {
	if len(args) == 0 {
		// A text without arguments is shown as is: a literal % in it is not a verb.
		return Lookup(l, format)
	}
	local := make([]any, len(args))
	for i, a := range args {
		if x, ok := a.(Localizer); ok {
			a = x.Localize(l)
		}
		local[i] = a
	}
	return fmt.Sprintf(Lookup(l, format), local...)
}
