package graph_test

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket/wsjson"

	"github.com/mifmaroc/erp/graph"
	"github.com/mifmaroc/erp/internal/app"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/testdb"
)

// trustedManifest is written by testdata/trusted/generate.py in graphql-codegen's format.
const trustedManifest = "testdata/trusted/persisted-documents.json"

// Documents of the manifest.
const (
	meDoc     = "query Me { me { email } }"
	createDoc = "mutation CreateCompetence($nom: String!) { createCompetence(input: {nom: $nom}) { nom } }"
)

const notAllowed = string(domain.CodePersistedQueryNotAllowed)

func sha(doc string) string {
	sum := sha256.Sum256([]byte(doc))
	return hex.EncodeToString(sum[:])
}

func persisted(hash string) map[string]any {
	return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}
}

// trustedStep is one request, in order, with what it gets with the manifest and without.
type trustedStep struct {
	name    string
	req     func(token string) request
	asAdmin bool   // sent by an ADMIN (GraphiQL's freeform role); else by a technician
	wantOn  string // the error code with the manifest; "" for data
	wantOff string // the same without it
	data    string // in the data when it runs; "": the viewer's email
}

func trustedSteps() []trustedStep {
	post := func(body map[string]any) func(string) request {
		return func(token string) request {
			b, _ := json.Marshal(body)
			return request{method: "POST", contentType: "application/json", token: token, body: bytes.NewReader(b)}
		}
	}
	get := func(q url.Values) func(string) request {
		return func(token string) request { return request{method: "GET", query: q.Encode(), token: token} }
	}
	ext := func(hash string) string { b, _ := json.Marshal(persisted(hash)); return string(b) }
	other := "query Other { me { email id } }"
	return []trustedStep{
		{"ByHash", post(map[string]any{"extensions": persisted(sha(meDoc))}), false, "", "PERSISTED_QUERY_NOT_FOUND", ""},
		{"ByHashOverGET", get(url.Values{"extensions": {ext(sha(meDoc))}}), false, "", "PERSISTED_QUERY_NOT_FOUND", ""},
		{"ByDocumentID", post(map[string]any{"documentId": sha(meDoc)}), false, "", "PERSISTED_QUERY_NOT_FOUND", ""},
		{"ByDocumentIDOverGET", get(url.Values{"documentId": {sha(meDoc)}}), false, "", "PERSISTED_QUERY_NOT_FOUND", ""},
		{"MutationByDocumentID", post(map[string]any{"documentId": sha(createDoc), "variables": map[string]any{"nom": "Soudure"}}), true, "", "PERSISTED_QUERY_NOT_FOUND", "Soudure"},
		{"ByText", post(map[string]any{"query": meDoc}), false, "", "", ""},
		{"ByTextOverGET", get(url.Values{"query": {meDoc}}), false, "", "", ""},
		{"ByTextTrimmed", post(map[string]any{"query": "\n  " + meDoc + "\n"}), false, "", "", ""},
		{"HashWithItsText", post(map[string]any{"query": meDoc, "extensions": persisted(sha(meDoc))}), false, "", "", ""},
		{"ErrUnregisteredText", post(map[string]any{"query": other}), false, notAllowed, "", ""},
		{"ErrUnregisteredTextAnonymous", func(string) request { return post(map[string]any{"query": other})("") }, false, notAllowed, "", "null"},
		{"ErrUnknownHash", post(map[string]any{"extensions": persisted(sha(other))}), false, notAllowed, "PERSISTED_QUERY_NOT_FOUND", ""},
		// Without the manifest, this registers other under its hash (automatic persisted
		// queries); with it, nothing can be registered.
		{"ErrRegistration", post(map[string]any{"query": other, "extensions": persisted(sha(other))}), false, notAllowed, "", ""},
		{"ErrRegisteredHashAfterRegistration", post(map[string]any{"extensions": persisted(sha(other))}), false, notAllowed, "", ""},
		{"ErrKnownHashOtherText", post(map[string]any{"query": other, "extensions": persisted(sha(meDoc))}), false, notAllowed, "BAD_USER_INPUT", ""},
		{"ErrMalformedPersistedQuery", post(map[string]any{"query": meDoc, "extensions": map[string]any{"persistedQuery": "x"}}), false, "BAD_USER_INPUT", "BAD_USER_INPUT", ""},
		{"ErrDocumentIDAndPersistedQuery", post(map[string]any{"documentId": sha(meDoc), "extensions": persisted(sha(meDoc))}), false, "BAD_USER_INPUT", "BAD_USER_INPUT", ""},
		// GraphiQL's users (development: ADMIN) send what they like, and register nothing.
		{"FreeformAdmin", post(map[string]any{"query": other}), true, "", "", ""},
		{"FreeformAdminRegistersNothing", post(map[string]any{"query": "{ me { id email } }", "extensions": persisted(sha("{ me { id email } }"))}), true, "", "", ""},
		{"ErrFreeformHashUnregistered", post(map[string]any{"extensions": persisted(sha("{ me { id email } }"))}), true, notAllowed, "", ""},
	}
}

// TestTrustedDocuments sends the same requests in the same order to a server with the manifest
// and to one without: with it, only the manifest's documents run; without it, nothing
// changes (automatic persisted queries register and find hashes as before).
func TestTrustedDocuments(t *testing.T) {
	for _, mode := range []string{"On", "Off"} {
		t.Run(mode, func(t *testing.T) {
			e := apptest.New(t, func(c *config.Config) {
				if mode == "On" {
					c.TrustedDocuments = trustedManifest
				}
			})
			tech := e.Token(t, e.User(t, "Tech", domain.RoleTechnicien))
			admin := e.Token(t, e.User(t, "Admin", domain.RoleAdmin))
			for _, s := range trustedSteps() {
				t.Run(s.name, func(t *testing.T) {
					token, email := tech, "tech@example.com"
					if s.asAdmin {
						token, email = admin, "admin@example.com"
					}
					want := s.wantOn
					if mode == "Off" {
						want = s.wantOff
					}
					before := e.DB.Statements()
					got := s.req(token).send(t, e.URL)
					msg, code := got.firstError()
					_, hasData := got.body["data"]
					switch {
					case want != "" && code != want:
						t.Errorf("first error %q (%s), want code %s\n%.300s", msg, code, want, got.raw)
					case want == "" && (!hasData || code != "" && code != "UNAUTHENTICATED"):
						t.Errorf("want data, got %.300s", got.raw)
					case want == "" && !strings.Contains(string(got.body["data"]), cmp.Or(s.data, email)):
						t.Errorf("data = %s, want it to hold %s", got.body["data"], cmp.Or(s.data, email))
					}
					if want == notAllowed {
						if hasData || !strings.Contains(msg, "not in the trusted documents manifest") {
							t.Errorf("refusal: data entry %t, message %q", hasData, msg)
						}
						if n := e.DB.Statements() - before; n > 1 {
							t.Errorf("%d statements ran for a refused request", n)
						}
					}
				})
			}
		})
	}
}

// TestTrustedDocumentsGraphQLResponse: a refusal is a request error, 400 for clients that
// accept application/graphql-response+json.
func TestTrustedDocumentsGraphQLResponse(t *testing.T) {
	e := apptest.New(t, func(c *config.Config) { c.TrustedDocuments = trustedManifest })
	token := e.Token(t, e.User(t, "Tech", domain.RoleTechnicien))
	got := request{method: "POST", contentType: "application/json", accept: "application/graphql-response+json", token: token,
		body: jsonBody(`{ me { id } }`)}.send(t, e.URL)
	if _, code := got.firstError(); got.status != 400 || code != notAllowed {
		t.Errorf("status %d, code %s; want 400, %s\n%s", got.status, code, notAllowed, got.raw)
	}
}

// TestTrustedDocumentsFreeform: GRAPHQL_FREEFORM_ROLES hold only where GraphiQL is served;
// in production everyone is held to the manifest.
func TestTrustedDocumentsFreeform(t *testing.T) {
	const other = "{ me { id } }"
	tests := []struct {
		name    string
		env     string
		roles   []domain.Role
		role    domain.Role
		wantRun bool
	}{
		{"DevelopmentAdmin", config.EnvDevelopment, []domain.Role{domain.RoleAdmin}, domain.RoleAdmin, true},
		{"DevelopmentResponsable", config.EnvDevelopment, []domain.Role{domain.RoleAdmin}, domain.RoleResponsable, false},
		{"ConfiguredRole", config.EnvDevelopment, []domain.Role{domain.RoleResponsable}, domain.RoleResponsable, true},
		{"ConfiguredRoleNotAdmin", config.EnvDevelopment, []domain.Role{domain.RoleResponsable}, domain.RoleAdmin, false},
		{"NoRoles", config.EnvDevelopment, nil, domain.RoleAdmin, false},
		{"ProductionAdmin", config.EnvProduction, []domain.Role{domain.RoleAdmin}, domain.RoleAdmin, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := apptest.New(t, func(c *config.Config) {
				c.Env, c.TrustedDocuments, c.FreeformRoles = tt.env, trustedManifest, tt.roles
			})
			c := e.As(t, e.User(t, "User", tt.role))
			res := c.Do(other, nil)
			ran := len(res.Errors) == 0 && strings.Contains(string(res.Data), `"id"`)
			if ran != tt.wantRun || !ran && (len(res.Errors) == 0 || res.Errors[0].Code() != notAllowed) {
				t.Errorf("ran %t, want %t: %+v %s", ran, tt.wantRun, res.Errors, res.Data)
			}
			// The manifest's documents run for everyone.
			var data struct{ Me struct{ Email string } }
			c.MustData(meDoc, nil, &data)
			if data.Me.Email != "user@example.com" {
				t.Errorf("me = %+v", data)
			}
		})
	}
}

// TestTrustedDocumentsOverWebsocket: a hash of the manifest runs over graphql-transport-ws;
// other documents are refused there too.
func TestTrustedDocumentsOverWebsocket(t *testing.T) {
	e := apptest.New(t, func(c *config.Config) { c.TrustedDocuments = trustedManifest })
	ws, err := dialWS(t, e, e.Token(t, e.User(t, "Tech", domain.RoleTechnicien)), false)
	if err != nil {
		t.Fatal(err)
	}
	send := func(id string, payload map[string]any) wsMsg {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := wsjson.Write(ctx, ws.conn, map[string]any{"id": id, "type": "subscribe", "payload": payload}); err != nil {
			t.Fatal(err)
		}
		for {
			m, err := ws.read(5 * time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if m.Type == "next" || m.Type == "error" {
				return m
			}
		}
	}
	if m := send("1", map[string]any{"extensions": persisted(sha(meDoc))}); m.Type != "next" || !strings.Contains(string(m.Payload), "tech@example.com") {
		t.Errorf("by hash: %s %s", m.Type, m.Payload)
	}
	if m := send("2", map[string]any{"query": "{ me { id } }"}); !strings.Contains(string(m.Payload), notAllowed) || strings.Contains(string(m.Payload), `"id"`) {
		t.Errorf("unregistered: %s %s, want the error %s alone", m.Type, m.Payload, notAllowed)
	}
}

// TestTrustedDocumentsManifest: a manifest is read in either format, and a bad one stops
// the server at start, naming the variable, the path and each bad entry.
func TestTrustedDocumentsManifest(t *testing.T) {
	const invalid = "query Nope { nope }"
	apollo := func(ops ...map[string]any) string {
		b, _ := json.Marshal(map[string]any{"format": "apollo-persisted-query-manifest", "version": 1, "operations": ops})
		return string(b)
	}
	codegen := func(entries map[string]string) string { b, _ := json.Marshal(entries); return string(b) }
	tests := []struct {
		name     string
		manifest string
		wantErr  []string // each in the error; none: loads
	}{
		{"Codegen", codegen(map[string]string{sha(meDoc): meDoc}), nil},
		{"Apollo", apollo(map[string]any{"id": sha(meDoc), "name": "Me", "type": "query", "body": meDoc}), nil},
		{"ErrWrongHash", codegen(map[string]string{sha(meDoc): meDoc, strings.Repeat("0", 64): meDoc}),
			[]string{"entry " + strings.Repeat("0", 64) + " (query Me)", "not the sha256 of the document (which is " + sha(meDoc)}},
		{"ErrInvalidDocument", codegen(map[string]string{sha(invalid): invalid}),
			[]string{"entry " + sha(invalid) + " (query Nope)", `Cannot query field "nope"`}},
		{"ErrUnparsable", codegen(map[string]string{sha("query {"): "query {"}), []string{"entry " + sha("query {"), "does not parse"}},
		{"ErrApolloWrongID", apollo(map[string]any{"id": sha("x"), "name": "Me", "type": "query", "body": meDoc}),
			[]string{"operation Me (id " + sha("x") + ")", "not the sha256"}},
		{"ErrApolloInvalid", apollo(map[string]any{"id": sha(invalid), "name": "Nope", "type": "query", "body": invalid}),
			[]string{"operation Nope", "not valid against the schema"}},
		{"ErrApolloVersion", `{"format":"apollo-persisted-query-manifest","version":2,"operations":[]}`, []string{"version 1"}},
		{"ErrNotAnObject", `["query Me { me { email } }"]`, []string{"not a JSON object"}},
		{"ErrNotAString", `{"abc": 1}`, []string{"entry abc", "as a string"}},
		{"ErrOtherFormat", `{"format": "relay", "version": 1}`, []string{`format "relay" version 1: expected "apollo-persisted-query-manifest"`}},
		{"ErrEmpty", `{}`, []string{"no document"}},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name+".json")
			if err := os.WriteFile(path, []byte(tt.manifest), 0o600); err != nil {
				t.Fatal(err)
			}
			docs, err := graph.LoadTrustedDocuments(path)
			if len(tt.wantErr) == 0 {
				if err != nil || docs.Len() != 1 {
					t.Errorf("Load: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Load succeeded, want an error mentioning %q", tt.wantErr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}

	// The server's start: the error names the variable and the path.
	bad := filepath.Join(dir, "ErrWrongHash.json")
	cfg, err := config.Load(func(k string) (string, bool) {
		return map[string]string{"GRAPHQL_TRUSTED_DOCUMENTS": bad}[k], k == "GRAPHQL_TRUSTED_DOCUMENTS"
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = app.NewDeps(context.Background(), cfg, testdb.Open(t), time.Now, gqltest.Logger(t))
	if err == nil || !strings.Contains(err.Error(), "GRAPHQL_TRUSTED_DOCUMENTS="+bad+": entry "+strings.Repeat("0", 64)) {
		t.Errorf("start: %v, want the variable, path and entry named", err)
	}
}

// TestTrustedDocumentsFromCodegen: the manifest graphql-codegen writes for the frontend
// example (examples/frontend, keys "sha256:<hex>") is taken as is, and its documentIds,
// prefix and all, run their documents.
func TestTrustedDocumentsFromCodegen(t *testing.T) {
	const manifest = "../examples/frontend/src/gql/persisted-documents.json"
	raw, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	var docs map[string]string
	if err := json.Unmarshal(raw, &docs); err != nil {
		t.Fatal(err)
	}
	var meID string
	for id, doc := range docs {
		if strings.HasPrefix(doc, "query Me ") {
			meID = id
		}
	}
	if !strings.HasPrefix(meID, "sha256:") {
		t.Fatalf("no query Me under a sha256: key in %s", manifest)
	}
	e := apptest.New(t, func(c *config.Config) { c.TrustedDocuments = manifest })
	u := e.User(t, "Codegen", domain.RoleTechnicien)
	token := e.Token(t, u)
	got := request{method: "POST", contentType: "application/json", token: token,
		body: strings.NewReader(fmt.Sprintf(`{"documentId": %q}`, meID))}.send(t, e.URL)
	if msg, code := got.firstError(); code != "" || !bytes.Contains(got.raw, []byte(u.Email)) {
		t.Errorf("documentId %s: error %s %s, want the viewer's email\n%s", meID, code, msg, got.raw)
	}
	got = request{method: "POST", contentType: "application/json", token: token, body: jsonBody(`{ me { id } }`)}.send(t, e.URL)
	if _, code := got.firstError(); code != notAllowed {
		t.Errorf("a document outside the codegen manifest: code %q, want %s\n%s", code, notAllowed, got.raw)
	}
}
