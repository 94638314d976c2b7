package graph_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
)

// httpResult is an answer of /graphql as a client sees it on the wire.
type httpResult struct {
	status int
	header http.Header
	body   map[string]json.RawMessage
	raw    []byte
}

func (r httpResult) media() string {
	mt, _, _ := mime.ParseMediaType(r.header.Get("Content-Type"))
	return mt
}

// firstError is the message and code of the first error, empty when none.
func (r httpResult) firstError() (msg, code string) {
	var errs []struct {
		Message    string
		Extensions struct{ Code string }
	}
	_ = json.Unmarshal(r.body["errors"], &errs)
	if len(errs) == 0 {
		return "", ""
	}
	return errs[0].Message, errs[0].Extensions.Code
}

// request is one HTTP request to /graphql.
type request struct {
	method, query   string // query: the URL's query string
	contentType     string
	accept, token   string
	header          map[string]string
	body            io.Reader
	noContentLength bool // send the body chunked
}

func (e request) send(t *testing.T, base string) httpResult {
	t.Helper()
	body := e.body
	if e.noContentLength && body != nil {
		body = struct{ io.Reader }{body} // hides the length: sent chunked
	}
	req, err := http.NewRequest(e.method, base+"/graphql?"+e.query, body)
	if err != nil {
		t.Fatal(err)
	}
	if e.contentType != "" {
		req.Header.Set("Content-Type", e.contentType)
	}
	if e.accept != "" {
		req.Header.Set("Accept", e.accept)
	}
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	for k, v := range e.header {
		req.Header.Set(k, v)
	}
	res, err := apptest.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := httpResult{status: res.StatusCode, header: res.Header, raw: raw}
	if err := json.Unmarshal(raw, &out.body); err != nil {
		t.Fatalf("%s: answer is not a JSON object (status %d): %v\n%.300s", e.method, res.StatusCode, err, raw)
	}
	return out
}

func jsonBody(query string) io.Reader {
	b, _ := json.Marshal(map[string]any{"query": query})
	return bytes.NewReader(b)
}

// TestGraphQLOverHTTP checks the answers of /graphql against the GraphQL-over-HTTP spec:
// media types, status codes, and the requests it refuses before running anything.
func TestGraphQLOverHTTP(t *testing.T) {
	e := apptest.New(t)
	token := e.Token(t, e.User(t, "Admin", domain.RoleAdmin))
	const (
		jsonMedia = "application/json"
		gqlMedia  = "application/graphql-response+json"
	)
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	_ = mw.WriteField("operations", `{"query":"{ me { email } }"}`)
	_ = mw.WriteField("map", `{}`)
	_ = mw.Close()
	multipartType := mw.FormDataContentType()
	mutation := `mutation { createCompetence(input: {nom: "Soudure"}) { id } }`

	tests := []struct {
		name       string
		req        request
		wantStatus int
		wantMedia  string
		wantData   bool   // a data entry is present (the operation ran)
		wantMsg    string // in the first error; "" when none is expected
		wantCode   string
		wantAllow  string
	}{
		{"POSTLegacy", request{method: "POST", contentType: jsonMedia, token: token, body: jsonBody(`{ me { email } }`)},
			200, jsonMedia, true, "", "", ""},
		{"POSTGraphQLResponse", request{method: "POST", contentType: "application/json; charset=utf-8", accept: gqlMedia, token: token, body: jsonBody(`{ me { email } }`)},
			200, gqlMedia, true, "", "", ""},
		{"AcceptBothPrefersSpec", request{method: "POST", contentType: jsonMedia, accept: "application/json;q=0.9, " + gqlMedia, token: token, body: jsonBody(`{ me { email } }`)},
			200, gqlMedia, true, "", "", ""},
		{"AcceptRefusesSpec", request{method: "POST", contentType: jsonMedia, accept: gqlMedia + ";q=0, application/json", token: token, body: jsonBody(`{ me { email } }`)},
			200, jsonMedia, true, "", "", ""},
		{"ValidationErrorLegacy", request{method: "POST", contentType: jsonMedia, token: token, body: jsonBody(`{ nope }`)},
			200, jsonMedia, false, "Cannot query field", "GRAPHQL_VALIDATION_FAILED", ""},
		{"ValidationErrorGraphQLResponse", request{method: "POST", contentType: jsonMedia, accept: gqlMedia, token: token, body: jsonBody(`{ nope }`)},
			400, gqlMedia, false, "Cannot query field", "GRAPHQL_VALIDATION_FAILED", ""},
		{"ParseErrorGraphQLResponse", request{method: "POST", contentType: jsonMedia, accept: gqlMedia, token: token, body: jsonBody(`{ me {`)},
			400, gqlMedia, false, "Expected", "GRAPHQL_PARSE_FAILED", ""},
		{"LimitGraphQLResponse", request{method: "POST", contentType: jsonMedia, accept: gqlMedia, token: token, body: jsonBody(`{ interventions(first: 1000) { totalCount } }`)},
			400, gqlMedia, false, "between 1 and 100", "BAD_USER_INPUT", ""},
		{"FieldErrorKeepsData", request{method: "POST", contentType: jsonMedia, accept: gqlMedia, body: jsonBody(`{ me { email } }`)},
			200, gqlMedia, true, "authentication required", "UNAUTHENTICATED", ""},
		{"SubscriptionOverPOST", request{method: "POST", contentType: jsonMedia, token: token, body: jsonBody(`subscription { notificationReceived { id } }`)},
			200, jsonMedia, false, "websockets", "BAD_USER_INPUT", ""},
		{"Batch", request{method: "POST", contentType: jsonMedia, token: token, body: strings.NewReader(` [{"query":"{ me { email } }"},{"query":"{ me { id } }"}]`)},
			400, jsonMedia, false, "batching is not supported: send one operation per request", "BAD_USER_INPUT", ""},
		{"TwoObjects", request{method: "POST", contentType: jsonMedia, token: token, body: strings.NewReader(`{"query":"{ me { email } }"} {"query":"{ me { id } }"}`)},
			400, jsonMedia, false, "one JSON object only", "BAD_USER_INPUT", ""},
		{"MalformedJSON", request{method: "POST", contentType: jsonMedia, accept: gqlMedia, token: token, body: strings.NewReader(`{"query": "{ me { email } }", "variables": {"secret-looking": 1`)},
			400, gqlMedia, false, "not a valid GraphQL request", "BAD_USER_INPUT", ""},
		{"TooManyVariableValues", request{method: "POST", contentType: jsonMedia, body: strings.NewReader(`{"query": "{ __typename }", "variables": {"a": [` + strings.Repeat("1,", 10_000) + `1]}}`)},
			400, jsonMedia, false, "variables holds more than 10000 values", "BAD_USER_INPUT", ""},
		{"EmptyBody", request{method: "POST", contentType: jsonMedia, token: token, body: strings.NewReader(``)},
			400, jsonMedia, false, "empty", "BAD_USER_INPUT", ""},
		{"BodyTooLarge", request{method: "POST", contentType: jsonMedia, token: token, body: bytes.NewReader(make([]byte, 1<<20+1))},
			413, jsonMedia, false, "larger than 1048576 bytes", "BAD_USER_INPUT", ""},
		{"BodyTooLargeChunked", request{method: "POST", contentType: jsonMedia, token: token, noContentLength: true,
			body: io.MultiReader(strings.NewReader(`{"query":"{ me { email } }","variables":{"x":"`), strings.NewReader(strings.Repeat("a", 1<<20)), strings.NewReader(`"}}`))},
			413, jsonMedia, false, "larger than 1048576 bytes", "BAD_USER_INPUT", ""},
		{"GETQuery", request{method: "GET", query: "query=" + url.QueryEscape(`{ me { email } }`), accept: gqlMedia, token: token},
			200, gqlMedia, true, "", "", ""},
		{"GETMutation", request{method: "GET", query: "query=" + url.QueryEscape(mutation), token: token},
			405, jsonMedia, false, "a mutation cannot be sent with GET: use POST", "BAD_USER_INPUT", "POST"},
		{"GETMutationGraphQLResponse", request{method: "GET", query: "query=" + url.QueryEscape(mutation), accept: gqlMedia, token: token},
			405, gqlMedia, false, "use POST", "BAD_USER_INPUT", "POST"},
		{"GETBadVariables", request{method: "GET", query: "query=" + url.QueryEscape(`{ me { email } }`) + "&variables=%7B", token: token},
			400, jsonMedia, false, "variables is not a JSON object", "BAD_USER_INPUT", ""},
		{"FormURLEncoded", request{method: "POST", contentType: "application/x-www-form-urlencoded", token: token, body: strings.NewReader("query=" + url.QueryEscape(mutation))},
			415, jsonMedia, false, "send application/json", "BAD_USER_INPUT", ""},
		{"TextPlain", request{method: "POST", contentType: "text/plain", body: strings.NewReader(`{"query":"` + strings.ReplaceAll(mutation, `"`, `\"`) + `"}`)},
			415, jsonMedia, false, "send application/json", "BAD_USER_INPUT", ""},
		{"NoContentType", request{method: "POST", token: token, body: jsonBody(`{ me { email } }`)},
			415, jsonMedia, false, "send application/json", "BAD_USER_INPUT", ""},
		{"PUT", request{method: "PUT", contentType: jsonMedia, token: token, body: jsonBody(`{ me { email } }`)},
			405, jsonMedia, false, "method PUT is not allowed", "BAD_USER_INPUT", "GET, POST, OPTIONS"},
		{"MultipartFromAForm", request{method: "POST", contentType: multipartType, body: bytes.NewReader(form.Bytes())},
			400, jsonMedia, false, "cross-site request forgery", "BAD_USER_INPUT", ""},
		{"MultipartWithPreflightHeader", request{method: "POST", contentType: multipartType, header: map[string]string{"Apollo-Require-Preflight": "true"}, body: bytes.NewReader(form.Bytes())},
			200, jsonMedia, true, "authentication required", "UNAUTHENTICATED", ""},
		{"MultipartWithToken", request{method: "POST", contentType: multipartType, token: token, body: bytes.NewReader(form.Bytes())},
			200, jsonMedia, true, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.DB.Statements()
			got := tt.req.send(t, e.URL)
			if got.status != tt.wantStatus || got.media() != tt.wantMedia {
				t.Errorf("status %d %s, want %d %s; body %.300s", got.status, got.media(), tt.wantStatus, tt.wantMedia, got.raw)
			}
			if _, hasData := got.body["data"]; hasData != tt.wantData {
				t.Errorf("data entry present: %t, want %t; body %.300s", hasData, tt.wantData, got.raw)
			}
			msg, code := got.firstError()
			if !strings.Contains(msg, tt.wantMsg) || code != tt.wantCode || (tt.wantMsg == "" && msg != "") {
				t.Errorf("first error %q (%s), want one mentioning %q (%s); body %.300s", msg, code, tt.wantMsg, tt.wantCode, got.raw)
			}
			if allow := got.header.Get("Allow"); allow != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", allow, tt.wantAllow)
			}
			if bytes.Contains(got.raw, []byte("secret-looking")) {
				t.Errorf("the answer echoes the request body: %.300s", got.raw)
			}
			// Refused before execution: at most the authentication read ran.
			if n := e.DB.Statements() - before; !tt.wantData && n > 1 {
				t.Errorf("%d statements ran for a refused request", n)
			}
		})
	}
	// Neither the GET nor the form-encoded mutation created anything.
	if n, err := e.Client.Competence.Query().Count(e.Sys); err != nil || n != 0 {
		t.Errorf("competences after refused mutations: %d, %v", n, err)
	}
}

// TestPersistedQueries follows Apollo's automatic persisted queries: a hash the server does
// not know is refused before anything runs; sent once with its query, the hash alone works.
func TestPersistedQueries(t *testing.T) {
	e := apptest.New(t)
	token := e.Token(t, e.User(t, "Admin", domain.RoleAdmin))
	const query = `{ me { email } }`
	sum := sha256.Sum256([]byte(query))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
	post := func(body map[string]any, accept string) request {
		b, _ := json.Marshal(body)
		return request{method: "POST", contentType: "application/json", accept: accept, token: token, body: bytes.NewReader(b)}
	}
	extJSON, _ := json.Marshal(ext)
	hashOnly := post(map[string]any{"extensions": ext}, "")

	steps := []struct {
		name       string
		req        request
		wantStatus int
		wantData   bool
		wantMsg    string // first error's message
		wantCode   string
	}{
		{"UnknownHash", hashOnly, 200, false, "PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND"},
		{"UnknownHashGraphQLResponse", post(map[string]any{"extensions": ext}, "application/graphql-response+json"), 400, false, "PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND"},
		{"WrongHash", post(map[string]any{"query": `{ me { id } }`, "extensions": ext}, ""), 200, false, "hash does not match", "BAD_USER_INPUT"},
		{"HashWithQuery", post(map[string]any{"query": query, "extensions": ext}, ""), 200, true, "", ""},
		{"HashOnly", post(map[string]any{"extensions": ext}, ""), 200, true, "", ""},
		{"HashOnlyOverGET", request{method: "GET", query: "extensions=" + url.QueryEscape(string(extJSON)), token: token}, 200, true, "", ""},
	}
	for _, s := range steps { // in order: each step relies on the ones before
		t.Run(s.name, func(t *testing.T) {
			before := e.DB.Statements()
			got := s.req.send(t, e.URL)
			_, hasData := got.body["data"]
			msg, code := got.firstError()
			if got.status != s.wantStatus || hasData != s.wantData || !strings.Contains(msg, s.wantMsg) || (s.wantMsg == "" && msg != "") || code != s.wantCode {
				t.Errorf("status %d, data %t, error %q (%s); want %d, %t, %q (%s)\n%.300s",
					got.status, hasData, msg, code, s.wantStatus, s.wantData, s.wantMsg, s.wantCode, got.raw)
			}
			if n := e.DB.Statements() - before; !s.wantData && n > 1 {
				t.Errorf("%d statements ran for a refused request", n)
			}
			if s.wantData && !strings.Contains(string(got.body["data"]), "admin@example.com") {
				t.Errorf("data = %s", got.body["data"])
			}
		})
	}
}
