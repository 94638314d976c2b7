package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mifmaroc/erp/graph"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/httpserver"
)

// logWatch is the test's logger output with its ERROR lines kept: the server logs through
// tb.Log (gqltest.Logger), and a client's mistake must never reach ERROR. quiet keeps the
// lines from tb (a *testing.F may not log once fuzzing).
type logWatch struct {
	testing.TB
	quiet  bool
	mu     sync.Mutex
	errors []string
}

func (w *logWatch) Helper() {
	if !w.quiet {
		w.TB.Helper()
	}
}

func (w *logWatch) Log(args ...any) {
	if line := fmt.Sprint(args...); strings.Contains(line, "level=ERROR") {
		w.mu.Lock()
		w.errors = append(w.errors, line)
		w.mu.Unlock()
	}
	if !w.quiet {
		w.TB.Helper()
		w.TB.Log(args...)
	}
}

// taken returns the ERROR lines logged since the last call.
func (w *logWatch) taken() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.errors
	w.errors = nil
	return out
}

// inputEnv is a server with one row of each kind the cases refer to, and an admin's client.
type inputEnv struct {
	*apptest.Env
	watch *logWatch
	api   *gqltest.Client
	ids   map[string]string // the ids of the rows, by entity: "intervention", "technicien"…
}

func newInputEnv(t testing.TB, configure ...func(*config.Config)) *inputEnv {
	t.Helper()
	watch := &logWatch{TB: t}
	e := apptest.New(watch, configure...)
	c := e.Client
	eq := c.Equipement.Create().SetNom("Pompe P1").SetCode("EQ-001").SaveX(e.Sys)
	iv := c.Intervention.Create().SetTitre("Fuite").SetEquipement(eq).SaveX(e.Sys)
	c.Intervention.Create().SetTitre("Bruit").SetEquipement(eq).SaveX(e.Sys)
	techUser := e.User(t, "Tech", domain.RoleTechnicien)
	tech := c.Technicien.Create().SetUser(techUser).SaveX(e.Sys)
	piece := c.Piece.Create().SetReference("P-1").SetDesignation("Joint").SetQuantite(10).SaveX(e.Sys)
	return &inputEnv{Env: e, watch: watch, api: e.As(t, e.User(t, "Admin", domain.RoleAdmin)), ids: map[string]string{
		"intervention": strconv.Itoa(iv.ID), "technicien": strconv.Itoa(tech.ID), "piece": strconv.Itoa(piece.ID),
		"equipement": strconv.Itoa(eq.ID), "user": strconv.Itoa(techUser.ID),
	}}
}

// endCursor is the end cursor of the first page of interventions in an ordering.
func (e *inputEnv) endCursor(t *testing.T, orderBy string) string {
	t.Helper()
	var out struct {
		Interventions struct {
			PageInfo struct{ EndCursor string } `json:"pageInfo"`
		} `json:"interventions"`
	}
	// (Without edges, entgql reads no row and has no cursor to give.)
	e.api.MustData(`query($o: [InterventionOrder!]) { interventions(first: 1, orderBy: $o) { edges { cursor } pageInfo { endCursor } } }`,
		map[string]any{"o": json.RawMessage(orderBy)}, &out)
	return out.Interventions.PageInfo.EndCursor
}

// TestInputErrors: every malformed or out-of-range input is the client's mistake: it gets
// BAD_USER_INPUT with a message naming the argument (NOT_FOUND for a well-formed id that
// does not exist), and the server logs nothing at ERROR. Before, ids, cursors, dates,
// enums in variables and strings with a NUL answered INTERNAL_SERVER_ERROR.
func TestInputErrors(t *testing.T) {
	e := newInputEnv(t)
	byTitre := e.endCursor(t, `[{"field": "TITRE"}]`)
	const (
		node       = `query($id: ID!) { node(id: $id) { id } }`
		list       = `query($w: InterventionWhereInput, $o: [InterventionOrder!], $after: Cursor, $first: Int) { interventions(where: $w, orderBy: $o, after: $after, first: $first) { totalCount } }`
		forecast   = `query($t: Time!) { planningForecast(from: $t, to: "2030-01-01T00:00:00Z") { date } }`
		create     = `mutation($in: CreateInterventionInput!) { createIntervention(input: $in) { id } }`
		equipement = `mutation($in: CreateEquipementInput!) { createEquipement(input: $in) { id } }`
	)
	where := func(w map[string]any) map[string]any { return map[string]any{"w": w} }
	newIntervention := func(extra map[string]any) map[string]any {
		in := map[string]any{"titre": "Contrôle", "equipementID": e.ids["equipement"]}
		for k, v := range extra {
			in[k] = v
		}
		return map[string]any{"in": in}
	}
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		code  domain.Code
		msg   string // the message contains it
	}{
		// Ids.
		{"IDLetters", node, map[string]any{"id": "abc"}, domain.CodeBadUserInput, `argument id of node: "abc" is not an ID`},
		{"IDExponent", node, map[string]any{"id": "1e10"}, domain.CodeBadUserInput, `argument id of node: "1e10" is not an ID`},
		{"IDBeyondInt64", node, map[string]any{"id": "9223372036854775808"}, domain.CodeBadUserInput, "argument id of node"},
		{"IDNegative", node, map[string]any{"id": "-1"}, domain.CodeBadUserInput, "argument id of node"},
		{"IDZero", node, map[string]any{"id": "0"}, domain.CodeBadUserInput, "argument id of node"},
		{"IDFraction", node, map[string]any{"id": json.Number("1.5")}, domain.CodeBadUserInput, "argument id of node"},
		{"IDLiteral", `{ node(id: "abc") { id } }`, nil, domain.CodeBadUserInput, "argument id of node"},
		{"IDWellFormedMissing", node, map[string]any{"id": "123456789"}, domain.CodeNotFound, ""},
		{"IDInMutation", `mutation($id: ID!) { deleteEquipement(id: $id) }`, map[string]any{"id": "x1"}, domain.CodeBadUserInput, "argument id of deleteEquipement"},
		{"IDInFilter", list, where(map[string]any{"idGT": "abc"}), domain.CodeBadUserInput, "argument where.idGT of interventions"},
		{"IDInList", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": []any{"1", "-2"}}, domain.CodeBadUserInput, "argument ids[1] of nodes"},
		// Cursors.
		{"CursorGarbage", list, map[string]any{"after": "zzz"}, domain.CodeBadUserInput, "argument after of interventions: not a cursor"},
		{"CursorTruncated", list, map[string]any{"after": "gqFp"}, domain.CodeBadUserInput, "argument after of interventions: not a cursor"},
		{"CursorNotAString", list, map[string]any{"after": 12}, domain.CodeBadUserInput, "argument after of interventions"},
		{"CursorOfAnotherOrder", list, map[string]any{"after": byTitre, "o": []any{map[string]any{"field": "DATE_CREATION"}}}, domain.CodeBadUserInput, "argument after of interventions: this cursor belongs to another orderBy"},
		{"CursorOfAnOrderUsedWithout", list, map[string]any{"after": byTitre}, domain.CodeBadUserInput, "argument after of interventions: this cursor belongs to another orderBy"},
		{"CursorOfALongerOrder", list, map[string]any{"after": byTitre, "o": []any{map[string]any{"field": "TITRE"}, map[string]any{"field": "STATUT"}}}, domain.CodeBadUserInput, "another orderBy"},
		{"CursorInANestedConnection", `query($c: Cursor) { techniciens { edges { node { interventions(after: $c) { totalCount } } } } }`, map[string]any{"c": "!!"}, domain.CodeBadUserInput, "argument after of interventions"},
		// Dates.
		{"DateImpossible", forecast, map[string]any{"t": "2024-02-30T00:00:00Z"}, domain.CodeBadUserInput, "argument from of planningForecast"},
		{"DateYear10000", forecast, map[string]any{"t": "10000-01-01T00:00:00Z"}, domain.CodeBadUserInput, "argument from of planningForecast"},
		{"DateOffset25Hours", forecast, map[string]any{"t": "2024-01-01T00:00:00+25:00"}, domain.CodeBadUserInput, "argument from of planningForecast"},
		{"DateBefore1900", forecast, map[string]any{"t": "1899-12-31T23:59:59Z"}, domain.CodeBadUserInput, "out of range"},
		{"DateAfter9999InUTC", forecast, map[string]any{"t": "9999-12-31T23:00:00-05:00"}, domain.CodeBadUserInput, "out of range"},
		{"DateWithoutZone", forecast, map[string]any{"t": "2026-03-01T08:00:00"}, domain.CodeBadUserInput, "argument from of planningForecast"},
		{"DateInFilter", list, where(map[string]any{"dateCreationGT": "2024-02-30T00:00:00Z"}), domain.CodeBadUserInput, "argument where.dateCreationGT of interventions"},
		{"DateInMutation", create, newIntervention(map[string]any{"dateLimite": "2026-13-01T00:00:00Z"}), domain.CodeBadUserInput, "argument input.dateLimite of createIntervention"},
		// Enums.
		{"EnumWrongCase", list, where(map[string]any{"statut": "ouverte"}), domain.CodeBadUserInput, `argument where.statut of interventions: "ouverte" is not a value of InterventionStatut`},
		{"EnumWrongCaseInList", list, where(map[string]any{"statutIn": []any{"OUVERTE", "cloturee"}}), domain.CodeBadUserInput, "argument where.statutIn[1] of interventions"},
		{"EnumWrongCaseInOrder", list, map[string]any{"o": []any{map[string]any{"field": "titre"}}}, domain.CodeBadUserInput, "argument orderBy[0].field of interventions"},
		{"EnumWrongCaseInDirection", list, map[string]any{"o": []any{map[string]any{"field": "TITRE", "direction": "asc"}}}, domain.CodeBadUserInput, "argument orderBy[0].direction of interventions"},
		{"EnumInMutation", `mutation($id: ID!, $s: InterventionStatut!) { changeInterventionStatut(id: $id, statut: $s) { id } }`,
			map[string]any{"id": e.ids["intervention"], "s": "annulee"}, domain.CodeBadUserInput, "argument statut of changeInterventionStatut"},
		// Strings.
		{"StringNUL", list, where(map[string]any{"titre": "a\x00b"}), domain.CodeBadUserInput, "argument where.titre of interventions: the text contains a NUL character"},
		{"StringNULInSearch", list, where(map[string]any{"search": "fuite\x00"}), domain.CodeBadUserInput, "argument where.search of interventions"},
		{"StringNULInMutation", equipement, map[string]any{"in": map[string]any{"nom": "Pompe\x00", "code": "EQ-NUL"}}, domain.CodeBadUserInput, "argument input.nom of createEquipement"},
		{"StringBeyondTheMaximum", list, where(map[string]any{"titreContains": strings.Repeat("é", graph.MaxStringLength+1)}), domain.CodeBadUserInput, "argument where.titreContains of interventions: the text is longer than"},
		{"StringBeyondItsField", equipement, map[string]any{"in": map[string]any{"nom": strings.Repeat("a", 201), "code": "EQ-LONG"}}, domain.CodeBadUserInput, "invalid value for nom"},
		// Numbers.
		{"IntBeyondInt64", create, newIntervention(map[string]any{"dureeEstimee": json.Number("9223372036854775808")}), domain.CodeBadUserInput, "invalid variable $in.dureeEstimee: expected an Int"},
		{"IntFraction", list, map[string]any{"first": json.Number("1.5")}, domain.CodeBadUserInput, "invalid variable $first: expected an Int"},
		{"EnumUnknown", list, where(map[string]any{"statut": "FINIE"}), domain.CodeBadUserInput, "invalid variable $w.statut: FINIE is not a valid InterventionStatut"},
		{"DurationBeyondItsBound", create, newIntervention(map[string]any{"dureeEstimee": domain.MaxDureeMinutes + 1}), domain.CodeBadUserInput, "invalid value for dureeEstimee: must be between 0 and 1000000"},
		{"HourlyRateOfMaxInt64", `mutation($id: ID!, $r: Int!) { updateTechnicien(id: $id, input: {tauxHoraireCentimes: $r}) { id } }`,
			map[string]any{"id": e.ids["technicien"], "r": json.Number("9223372036854775807")}, domain.CodeBadUserInput, "invalid value for tauxHoraireCentimes: must be between 0 and 100000000"},
		{"PlanningOfAMillionYears", `mutation($eq: ID!) { createPlanning(input: {titre: "Révision", frequence: ANNUEL, intervalle: 1000000, prochaineDate: "2027-01-01T00:00:00Z", equipementID: $eq}) { id } }`,
			map[string]any{"eq": e.ids["equipement"]}, domain.CodeBadUserInput, "invalid value for intervalle: must be between 1 and 1000"},
		{"PlanningIntervalZero", `mutation($eq: ID!) { createPlanning(input: {titre: "Révision", frequence: ANNUEL, intervalle: 0, prochaineDate: "2027-01-01T00:00:00Z", equipementID: $eq}) { id } }`,
			map[string]any{"eq": e.ids["equipement"]}, domain.CodeBadUserInput, "invalid value for intervalle"},
		{"PartQuantityBeyondItsBound", `mutation($id: ID!, $p: ID!) { addPieceToIntervention(interventionId: $id, pieceId: $p, quantite: 1000001) { id } }`,
			map[string]any{"id": e.ids["intervention"], "p": e.ids["piece"]}, domain.CodeBadUserInput, "quantite must be between 1 and 1000000"},
		{"SatisfactionOutOfRange", `mutation($id: ID!) { validerIntervention(id: $id, satisfaction: 6) { id } }`, map[string]any{"id": e.ids["intervention"]}, domain.CodeBadUserInput, "satisfaction must be between 1 and 5"},
		// Filters and orderings ent would refuse half-way.
		{"EmptyNot", list, where(map[string]any{"not": map[string]any{}}), domain.CodeBadUserInput, "argument where.not of interventions: an empty filter"},
		{"EmptyOr", list, where(map[string]any{"or": []any{map[string]any{"titre": "Fuite"}, map[string]any{}}}), domain.CodeBadUserInput, "argument where.or[1] of interventions"},
		{"EmptyEdgeFilterItself", list, where(map[string]any{"hasTechnicienWith": []any{map[string]any{}}}), domain.CodeBadUserInput, "argument where.hasTechnicienWith[0] of interventions"},
		{"EmptyEdgeFilter", list, where(map[string]any{"hasTechnicienWith": []any{map[string]any{"not": map[string]any{"equipe": nil}}}}), domain.CodeBadUserInput, "argument where.hasTechnicienWith[0].not of interventions"},
		{"OrderTwice", list, map[string]any{"o": []any{map[string]any{"field": "TITRE"}, map[string]any{"field": "TITRE", "direction": "DESC"}}}, domain.CodeBadUserInput, "argument orderBy of interventions: TITRE is named twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := e.api.MustFail(tt.query, tt.vars)
			if err.Code() != string(tt.code) || !strings.Contains(err.Message, tt.msg) {
				t.Errorf("error %q (%s), want %s containing %q", err.Message, err.Code(), tt.code, tt.msg)
			}
			if lines := e.watch.taken(); len(lines) > 0 {
				t.Errorf("logged at ERROR:\n%s", strings.Join(lines, "\n"))
			}
		})
	}
}

// TestInputErrorsOverGET: a string literal of a GET query is read from the URL as it is,
// so it may hold bytes that are not UTF-8 (JSON bodies cannot: the decoder replaces them).
func TestInputErrorsOverGET(t *testing.T) {
	e := newInputEnv(t)
	query := "{ interventions(where: {titre: \"\xff\xfe\"}) { totalCount } }"
	req, err := http.NewRequest(http.MethodGet, e.URL+"/graphql?query="+url.QueryEscape(query), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.api.Token)
	res := decode(t, req)
	if len(res.Errors) == 0 || res.Errors[0].Code() != string(domain.CodeBadUserInput) ||
		!strings.Contains(res.Errors[0].Message, "argument where.titre of interventions: the text is not valid UTF-8") {
		t.Errorf("answer %d %+v, want BAD_USER_INPUT naming where.titre", res.Status, res.Errors)
	}
}

// TestIntrospectionDisabled: in production, introspection is refused as a validation
// error, before anything runs; it was an INTERNAL_SERVER_ERROR of the field.
func TestIntrospectionDisabled(t *testing.T) {
	e := newInputEnv(t)
	deps := e.Deps
	deps.Config.Env = config.EnvProduction
	prod := httptest.NewServer(httpserver.NewHandler(deps))
	t.Cleanup(prod.Close)
	api := gqltest.NewClient(t, prod.URL+"/graphql")
	api.Token = e.api.Token
	for _, query := range []string{
		`{ __schema { types { name } } }`,
		`{ __type(name: "Intervention") { fields { name } } }`,
		`query { ...F } fragment F on Query { __schema { queryType { name } } }`,
	} {
		res := api.Do(query, nil)
		if len(res.Errors) != 1 || res.Errors[0].Code() != "GRAPHQL_VALIDATION_FAILED" || !strings.Contains(res.Errors[0].Message, "introspection is disabled") || string(res.Data) != "" {
			t.Errorf("%s: answer %s %+v, want one GRAPHQL_VALIDATION_FAILED and no data", query, res.Data, res.Errors)
		}
	}
	var out struct{ Me struct{ Typename string } }
	api.MustData(`{ me { Typename: __typename } }`, nil, &out) // __typename is not introspection
	if lines := e.watch.taken(); len(lines) > 0 {
		t.Errorf("logged at ERROR:\n%s", strings.Join(lines, "\n"))
	}
}

// TestUploadErrors: what the multipart transport refuses carries extensions.code and the
// status of the other transports' refusals, like any error of the API.
func TestUploadErrors(t *testing.T) {
	e := newInputEnv(t, func(c *config.Config) { c.MaxUploadBytes = 1 << 20 })
	operations := `{"query": "mutation($f: Upload!) { uploadDocument(interventionId: \"` + e.ids["intervention"] + `\", file: $f) { id } }", "variables": {"f": null}}`
	form := func(parts ...[2]string) (*bytes.Buffer, string) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for _, p := range parts {
			if p[0] == "0" {
				w, _ := mw.CreateFormFile("0", "photo.png")
				_, _ = w.Write([]byte(p[1]))
				continue
			}
			_ = mw.WriteField(p[0], p[1])
		}
		_ = mw.Close()
		return &b, mw.FormDataContentType()
	}
	big := strings.Repeat("x", 3<<20)
	tests := []struct {
		name    string
		parts   [][2]string
		chunked bool // no Content-Length: the size shows while reading
		status  int
		code    domain.Code
	}{
		{"NoOperations", [][2]string{{"map", `{}`}}, false, http.StatusBadRequest, domain.CodeBadUserInput},
		{"OperationsNotJSON", [][2]string{{"operations", `{`}, {"map", `{}`}}, false, http.StatusBadRequest, domain.CodeBadUserInput},
		{"MapToNowhere", [][2]string{{"operations", operations}, {"map", `{"0": ["nowhere"]}`}, {"0", "png"}}, false, http.StatusBadRequest, domain.CodeBadUserInput},
		{"MapToAnotherVariable", [][2]string{{"operations", operations}, {"map", `{"0": ["variables.g"]}`}, {"0", "png"}}, false, http.StatusOK, domain.CodeBadUserInput},
		{"FileNotInMap", [][2]string{{"operations", operations}, {"map", `{}`}, {"0", "png"}}, false, http.StatusBadRequest, domain.CodeBadUserInput},
		{"TooLarge", [][2]string{{"operations", operations}, {"map", `{"0": ["variables.f"]}`}, {"0", big}}, false, http.StatusRequestEntityTooLarge, domain.CodeBadUserInput},
		{"TooLargeChunked", [][2]string{{"operations", operations}, {"map", `{"0": ["variables.f"]}`}, {"0", big}}, true, http.StatusRequestEntityTooLarge, domain.CodeBadUserInput},
		{"InvalidQuery", [][2]string{{"operations", `{"query": "mutation { nope }"}`}, {"map", `{}`}}, false, http.StatusOK, "GRAPHQL_VALIDATION_FAILED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, contentType := form(tt.parts...)
			var r io.Reader = body
			if tt.chunked {
				r = io.MultiReader(body) // hides the length
			}
			req, err := http.NewRequest(http.MethodPost, e.URL+"/graphql", r)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", contentType)
			req.Header.Set("Authorization", "Bearer "+e.api.Token)
			res := decode(t, req)
			if res.Status != tt.status || len(res.Errors) == 0 || res.Errors[0].Code() != string(tt.code) {
				t.Errorf("answer %d %+v, want %d with %s", res.Status, res.Errors, tt.status, tt.code)
			}
			if res.Data != nil {
				t.Errorf("data %s in a refusal", res.Data)
			}
			if lines := e.watch.taken(); len(lines) > 0 {
				t.Errorf("logged at ERROR:\n%s", strings.Join(lines, "\n"))
			}
		})
	}
}

// decode sends req and decodes the GraphQL answer.
func decode(t *testing.T, req *http.Request) gqltest.Response {
	t.Helper()
	res, err := apptest.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := gqltest.Response{Status: res.StatusCode}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("decoding the answer (status %d): %v\n%s", res.StatusCode, err, raw)
	}
	return out
}
