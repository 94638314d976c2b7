package graph

import (
	"testing"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/mifmaroc/erp/internal/i18n"
)

// TestPayloadLang: connection_init may name the websocket's language, for browsers that
// cannot set the upgrade's headers; without it the upgrade request's language stands.
func TestPayloadLang(t *testing.T) {
	for _, tt := range []struct {
		name    string
		payload transport.InitPayload
		want    i18n.Lang
		ok      bool
	}{
		{"None", transport.InitPayload{"Authorization": "Bearer x"}, "", false},
		{"CamelCase", transport.InitPayload{"acceptLanguage": "ar-MA"}, i18n.AR, true},
		{"Header", transport.InitPayload{"Accept-Language": "en;q=0.9, fr;q=0.5"}, i18n.EN, true},
		{"Blank", transport.InitPayload{"acceptLanguage": " "}, "", false},
		{"NotAString", transport.InitPayload{"acceptLanguage": 3}, "", false},
		{"Unknown", transport.InitPayload{"acceptLanguage": "de"}, i18n.FR, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := payloadLang(tt.payload)
			if got != tt.want || ok != tt.ok {
				t.Errorf("payloadLang = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
