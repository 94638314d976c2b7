package i18n_test

import (
	"context"
	"testing"

	"github.com/mifmaroc/erp/internal/i18n"
)

func TestFromAcceptLanguage(t *testing.T) {
	for _, tt := range []struct {
		name, header string
		want         i18n.Lang
	}{
		{"Absent", "", i18n.FR},
		{"Unknown", "de-DE, es;q=0.8", i18n.FR},
		{"Wildcard", "*", i18n.FR},
		{"English", "en", i18n.EN},
		{"Region", "en-US", i18n.EN},
		{"ArabicMorocco", "ar-MA", i18n.AR},
		{"UpperCase", "AR", i18n.AR},
		{"QValues", "fr;q=0.5, ar;q=0.9, en;q=0.7", i18n.AR},
		{"FirstAmongEquals", "en, fr", i18n.EN},
		{"SkipsUnknownFirst", "de, en;q=0.3", i18n.EN},
		{"ZeroMeansNot", "en;q=0, ar;q=0", i18n.FR},
		{"BrowserStyle", "fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", i18n.FR},
		{"MalformedQ", "en;q=abc, ar;q=0.1", i18n.AR},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := i18n.FromAcceptLanguage(tt.header); got != tt.want {
				t.Errorf("FromAcceptLanguage(%q) = %s, want %s", tt.header, got, tt.want)
			}
		})
	}
}

func TestTranslate(t *testing.T) {
	for _, tt := range []struct {
		name   string
		lang   i18n.Lang
		format string
		args   []any
		want   string
	}{
		{"English", i18n.EN, "intervention %d not found", []any{42}, "intervention 42 not found"},
		{"French", i18n.FR, "intervention %d not found", []any{42}, "intervention 42 introuvable"},
		{"Nested", i18n.FR, "invalid argument %s of %s: %s", []any{"id", "intervention", i18n.M("not a valid value")},
			"argument id de intervention invalide : valeur invalide"},
		{"UnknownKeyStaysEnglish", i18n.FR, "no such key %d", []any{1}, "no such key 1"},
		{"NoArgsKeepsPercent", i18n.EN, "100% sure", nil, "100% sure"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := i18n.Translate(tt.lang, tt.format, tt.args...); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestContext(t *testing.T) {
	if got := i18n.LangFrom(context.Background()); got != i18n.FR {
		t.Errorf("default = %s, want fr", got)
	}
	if got := i18n.LangFrom(i18n.WithLang(context.Background(), i18n.AR)); got != i18n.AR {
		t.Errorf("got %s, want ar", got)
	}
	if i18n.AR.Dir() != "rtl" || i18n.FR.Dir() != "ltr" {
		t.Error("Arabic is written right to left, French left to right")
	}
}
