package graph_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql/schema"
	"entgo.io/ent/schema/field"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/emplacement"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/migrate"
	"github.com/mifmaroc/erp/graph"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/testdb"
)

// leafFields lists, by introspection, the fields of typ the way a client would select them
// all: those without arguments whose type is a scalar or an enum (or a list of them).
func leafFields(t *testing.T, api *gqltest.Client, typ string, except ...string) string {
	t.Helper()
	type ref struct {
		Kind   string
		OfType *ref
	}
	var got struct {
		Type struct {
			Fields []struct {
				Name string
				Args []struct{ Name string }
				Type ref
			}
		} `json:"__type"`
	}
	api.MustData(`query($t: String!) { __type(name: $t) { fields { name args { name }
	  type { kind ofType { kind ofType { kind ofType { kind } } } } } } }`, map[string]any{"t": typ}, &got)
	var names []string
	for _, f := range got.Type.Fields {
		kind := &f.Type
		for kind.OfType != nil && (kind.Kind == "NON_NULL" || kind.Kind == "LIST") {
			kind = kind.OfType
		}
		skip := len(f.Args) > 0 || (kind.Kind != "SCALAR" && kind.Kind != "ENUM")
		for _, e := range except {
			skip = skip || f.Name == e
		}
		if !skip {
			names = append(names, f.Name)
		}
	}
	if len(names) < 3 {
		t.Fatalf("introspection found only %v on %s", names, typ)
	}
	return strings.Join(names, " ")
}

// jsonTokens is a JSON document as its sequence of tokens: equal sequences are the same
// document, key order included, whatever the escaping.
func jsonTokens(t *testing.T, raw []byte) []any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out []any
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("decoding %s: %v", raw, err)
		}
		out = append(out, tok)
	}
}

// firstDifference shows where two token sequences part, with what leads there.
func firstDifference(got, want []any) string {
	for i := 0; i < len(got) || i < len(want); i++ {
		if i >= len(got) || i >= len(want) || !reflect.DeepEqual(got[i], want[i]) {
			from := max(0, i-8)
			return fmt.Sprintf("at token %d\nrendered:  %v\nresolvers: %v", i, got[from:min(len(got), i+3)], want[from:min(len(want), i+3)])
		}
	}
	return ""
}

// fillNullable gives every nullable column of tables, where a row holds NULL (or an empty
// text), a value that is not its type's zero, as ent's migration schema describes the
// columns: texts with what JSON must escape and the column's name (a field read from the
// wrong column shows), instants with fractions of a second, distinct per row and column,
// and keys to existing rows (one not referenced yet where the key is unique). The columns
// except names ("table.column") are left as they are.
func fillNullable(t *testing.T, e *apptest.Env, tables []string, except ...string) {
	t.Helper()
	byName := map[string]*schema.Table{}
	for _, tb := range migrate.Tables {
		byName[tb.Name] = tb
	}
	ph := func(i int) string {
		if testdb.Dialect() == dialect.Postgres {
			return "$" + strconv.Itoa(i)
		}
		return "?"
	}
	ids := func(query string) []int {
		rows, err := e.Client.QueryContext(e.Sys, query)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		defer func() { _ = rows.Close() }()
		var out []int
		for rows.Next() {
			var id int
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			out = append(out, id)
		}
		return out
	}
	exec := func(query string, args ...any) int64 {
		res, err := e.Client.ExecContext(e.Sys, query, args...)
		if err != nil {
			t.Fatalf("%s %v: %v", query, args, err)
		}
		n, _ := res.RowsAffected()
		return n
	}
	base := time.Date(2025, 1, 2, 3, 4, 5, 678901000, time.UTC)
	for _, name := range tables {
		tb := byName[name]
		if tb == nil {
			t.Fatalf("no table %s in ent's migration schema", name)
		}
		keys := map[string]*schema.ForeignKey{}
		for _, fk := range tb.ForeignKeys {
			keys[fk.Columns[0].Name] = fk
		}
		for _, id := range ids("SELECT id FROM " + name + " ORDER BY id") {
			var sets []string
			var args []any
			for k, col := range tb.Columns {
				if !col.Nullable || slices.Contains(except, name+"."+col.Name) {
					continue
				}
				if fk := keys[col.Name]; fk != nil {
					refs := ids("SELECT id FROM " + fk.RefTable.Name + " ORDER BY id")
					if col.Unique {
						refs = ids(fmt.Sprintf("SELECT id FROM %s WHERE id NOT IN (SELECT %s FROM %s WHERE %[2]s IS NOT NULL) ORDER BY id",
							fk.RefTable.Name, col.Name, name))
					}
					if len(refs) == 0 {
						t.Fatalf("%s.%s: the fixture has no row of %s to refer to", name, col.Name, fk.RefTable.Name)
					}
					exec(fmt.Sprintf("UPDATE %s SET %s = %s WHERE id = %s AND %[2]s IS NULL", name, col.Name, ph(1), ph(2)), refs[id%len(refs)], id)
					continue
				}
				var v any
				switch col.Type {
				case field.TypeString:
					v = fmt.Sprintf("\"q\" <a&b> \\ é 🚧 \b\f\x1f\x0b\n\t%s #%d", col.Name, id)
					if col.Size > 0 && int64(len([]rune(v.(string)))) > col.Size {
						v = string([]rune(v.(string))[:col.Size])
					}
				case field.TypeEnum:
					v = col.Enums[(id+k)%len(col.Enums)]
				case field.TypeTime:
					v = base.Add(time.Duration(id%1000)*time.Hour + time.Duration(k)*time.Minute)
				case field.TypeInt, field.TypeInt64:
					v = 1 + (id+k)%5 // a valid satisfaction, a duration
				case field.TypeBool:
					v = true
				case field.TypeFloat64:
					v = float64((id+k)%5) + 0.125
				case field.TypeJSON: // a list of texts (PointChecklist.choix)
					v = `["\"q\" <a&b> \\ é 🚧", "` + col.Name + `"]`
				default:
					t.Fatalf("%s.%s: no value for a column of type %s", name, col.Name, col.Type)
				}
				args = append(args, v)
				current := col.Name
				if col.Type == field.TypeString {
					current = "NULLIF(" + col.Name + ", '')"
				}
				sets = append(sets, fmt.Sprintf("%s = COALESCE(%s, %s)", col.Name, current, ph(len(args))))
			}
			if len(sets) > 0 {
				args = append(args, id)
				exec(fmt.Sprintf("UPDATE %s SET %s WHERE id = %s", name, strings.Join(sets, ", "), ph(len(args))), args...)
			}
		}
	}
}

// TestDirectRendering: the server that renders in PostgreSQL (GRAPHQL_DIRECT_RENDERING,
// the default) answers byte for byte what the one resolving field by field answers, for
// every role and every way of selecting fields, first with the fixtures' empty columns,
// then with every nullable column of every table it reads set; on PostgreSQL it renders
// what it should take and leaves the rest to the resolvers.
func TestDirectRendering(t *testing.T) {
	on := apptest.New(t)
	off := on.Replica(t, func(c *config.Config) { c.DirectRendering = false })
	admin := seedInterventions(t, on, 30)
	c, sys := on.Client, on.Sys

	// What the simple seed lacks: a client company and its requester, strings to escape,
	// deadlines with and without fractions of a second, an intervention without any edge,
	// a closed one with parts used.
	clientUser := on.User(t, "Client", domain.RoleClient)
	soc := c.Societe.Create().SetNom(`Société "Atlas" <Casa>`).SetCode("ATL").AddUsers(clientUser).SaveX(sys)
	ivs := c.Intervention.Query().Order(ent.Asc(intervention.FieldID)).AllX(sys)
	base := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	for i, iv := range ivs[:6] {
		c.Intervention.UpdateOne(iv).SetClient(soc).SetDemandeur(clientUser).
			SetDateLimite(base.Add(time.Duration(i) * 1500 * time.Microsecond)).
			SetDescription("ligne 1\nligne 2\t\\ « é » 🚧").ExecX(sys)
	}
	c.Intervention.UpdateOne(ivs[1]).SetTitre(`Fuite "vanne" <B&C>`).ExecX(sys)
	bare := c.Intervention.Create().SetTitre("sans rien").SetPriorite(domain.PrioriteUrgente).SaveX(sys)
	closed := c.Intervention.UpdateOne(ivs[2]).SetStatut(domain.StatutCloturee).SetDateCloture(base.Add(time.Hour)).SaveX(sys)
	piece := c.Piece.Create().SetReference("P-1").SetDesignation("Joint").SetPrixUnitaireCentimes(1250).SaveX(sys)
	c.InterventionPiece.Create().SetIntervention(closed).SetPiece(piece).SetQuantite(3).SetPrixUnitaireCentimes(1250).ExecX(sys)
	// A skill some work requires.
	froid := c.Competence.Create().SetNom("Froid").SaveX(sys)
	c.Intervention.UpdateOne(ivs[4]).SetCompetenceRequise(froid).SetNiveauRequis(domain.NiveauAvance).ExecX(sys)
	tech := c.Technicien.Query().Order(ent.Asc("id")).FirstX(sys)
	techUser := tech.QueryUser().OnlyX(sys)
	othersIntervention := c.Intervention.Query().Where(intervention.TechnicienIDNEQ(tech.ID)).FirstX(sys)
	// Assigned to the technician: his moves on it depend on the row's technician.
	mine := c.Intervention.UpdateOne(ivs[3]).SetTechnicienID(tech.ID).SetStatut(domain.StatutAffectee).SaveX(sys)
	equipementID := c.Equipement.Query().FirstIDX(sys)
	responsable := on.User(t, "Responsable", domain.RoleResponsable)
	// What the keys fillNullable sets may refer to: a contract, a planning, a checklist
	// template, a place, a work request (whose photos documents may be), users who view
	// nothing here (their rows are filled whole, deletion included).
	c.Contrat.Create().SetReference("CT-1").SetDateDebut(base).SetClient(soc).ExecX(sys)
	c.ChecklistModele.Create().SetNom("Révision").SetPoints([]domain.PointControle{{Libelle: "Courroie", Type: domain.PointCase}}).ExecX(sys)
	c.Emplacement.Create().SetNom("Atelier").SetType(emplacement.TypeZONE).ExecX(sys)
	c.DemandeIntervention.Create().SetTitre("Panne").SetDescription("Elle s'arrête").
		SetEquipementID(equipementID).SetDemandeur(clientUser).ExecX(sys)
	c.Planning.Create().SetTitre("Graissage").SetFrequence(domain.FrequenceMensuel).
		SetProchaineDate(base).SetEquipementID(equipementID).ExecX(sys)
	for i := range 3 {
		on.User(t, fmt.Sprintf("Autre%d", i), domain.RoleClient)
	}
	// A work order: a checklist of every kind (choices with what JSON escapes, measures with
	// fractions), time entries by two technicians with one running and not in the order of
	// their ids, comments internal and not. And a measure Go writes with an exponent.
	wo := ivs[5]
	techs := c.Technicien.Query().Order(ent.Asc("id")).Limit(2).AllX(sys)
	fillWorkOrder(t, on, wo, techs[0], techUser, 3, 2, 3)
	c.PointChecklist.Create().SetIntervention(wo).SetPosition(0).SetLibelle(`Choix "A" <B>`).SetType(domain.PointChoix).SetObligatoire(false).
		SetChoix([]string{`a "b"`, "é <c> & \\ 🚧\n", ""}).SetTexte(`a "b"`).ExecX(sys)
	c.PointChecklist.Create().SetIntervention(wo).SetPosition(9).SetLibelle("Mesure").SetType(domain.PointMesure).SetObligatoire(true).
		SetMin(0.0001).SetMax(999999.5).SetValeur(-2.75).SetHorsLimites(true).ExecX(sys)
	c.TempsPasse.Create().SetIntervention(wo).SetTechnicien(techs[1]).SetUser(admin).
		SetDebut(base.Add(-72 * time.Hour)).SetTauxHoraireCentimes(5000).ExecX(sys)
	c.Commentaire.Create().SetIntervention(wo).SetAuteur(responsable).SetTexte("entre nous").SetInterne(true).ExecX(sys)
	huge := ivs[7]
	c.PointChecklist.Create().SetIntervention(huge).SetPosition(1).SetLibelle("Compteur").SetType(domain.PointMesure).SetObligatoire(true).
		SetValeur(1.5e7).ExecX(sys)

	adminAPI := on.As(t, admin)
	every := fmt.Sprintf(`%s
	  equipement { %s } client { %s } demandeur { %s } technicien { %s user { %s } }
	  documents { %s } historique { %s user { %s } }`,
		leafFields(t, adminAPI, "Intervention"), leafFields(t, adminAPI, "Equipement"), leafFields(t, adminAPI, "Societe"),
		leafFields(t, adminAPI, "User"), leafFields(t, adminAPI, "Technicien"), leafFields(t, adminAPI, "User"),
		leafFields(t, adminAPI, "Document", "url"), leafFields(t, adminAPI, "HistoriqueIntervention"), leafFields(t, adminAPI, "User"))
	points := leafFields(t, adminAPI, "PointChecklist")
	workOrderEvery := fmt.Sprintf(`query($id: ID!) { node(id: $id) { ... on Intervention {
	  checklist { %s reponduPar { %s } }
	  tempsPasses { __typename totalCount edges { __typename node { %s technicien { %s user { %s } } } } }
	  commentaires(first: 2) { totalCount edges { node { %s auteur { %s } } } } } } }`,
		points, leafFields(t, adminAPI, "User"), leafFields(t, adminAPI, "TempsPasse", "tauxHoraireCentimes"),
		leafFields(t, adminAPI, "Technicien"), leafFields(t, adminAPI, "User"), leafFields(t, adminAPI, "Commentaire"),
		leafFields(t, adminAPI, "User"))
	var first struct {
		Interventions struct{ PageInfo struct{ EndCursor string } }
	}
	adminAPI.MustData(`{ interventions(first: 4) { pageInfo { endCursor } } }`, nil, &first)
	var byPriority struct {
		Interventions struct{ PageInfo struct{ EndCursor string } }
	}
	adminAPI.MustData(`{ interventions(first: 4, orderBy: [{field: PRIORITE, direction: DESC}]) { pageInfo { endCursor } } }`, nil, &byPriority)

	tests := []struct {
		name   string
		query  string
		vars   map[string]any
		direct bool // on PostgreSQL, rendered by the database (for the viewers who may read it)
	}{
		{"the list screen", nestedList, map[string]any{"n": 50}, true},
		{"every field of every edge", `{ interventions(first: 40) { edges { node { ` + every + ` } } } }`, nil, true},
		{"every field of every edge of a detail", `query($id: ID!) { node(id: $id) { ... on Intervention { ` + every + ` } } }`,
			map[string]any{"id": closed.ID}, true},
		{"aliases, fragments, __typename, @skip and merged selections",
			`query($skip: Boolean!) { list: interventions(first: 5, orderBy: [{field: DATE_CREATION, direction: DESC}]) {
			  __typename totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }
			  edges { __typename cursor n: node { __typename ...F t: titre titre @skip(if: $skip) statut @include(if: $skip)
			  ... on Intervention { statut equipement { nom } } equipement { code id } } } } }
			fragment F on Intervention { id priorite technicien { user { email } } }`, map[string]any{"skip": true}, true},
		{"the same, @skip false: compiled again, not reused",
			`query($skip: Boolean!) { list: interventions(first: 5, orderBy: [{field: DATE_CREATION, direction: DESC}]) {
			  __typename totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }
			  edges { __typename cursor n: node { __typename ...F t: titre titre @skip(if: $skip) statut @include(if: $skip)
			  ... on Intervention { statut equipement { nom } } equipement { code id } } } } }
			fragment F on Intervention { id priorite technicien { user { email } } }`, map[string]any{"skip": false}, true},
		{"after a cursor, filtered", `query($c: Cursor) { interventions(first: 3, after: $c, where: {statutIn: [AFFECTEE, CLOTUREE]}) {
			  totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id titre } } } }`,
			map[string]any{"c": first.Interventions.PageInfo.EndCursor}, true},
		{"by priority, highest first", `{ interventions(first: 10, orderBy: [{field: PRIORITE, direction: DESC}]) {
			  totalCount pageInfo { hasNextPage startCursor endCursor } edges { cursor node { id titre priorite } } } }`, nil, true},
		{"by priority, after a cursor", `query($c: Cursor) { interventions(first: 5, after: $c, orderBy: [{field: PRIORITE, direction: DESC}]) {
			  pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id priorite } } } }`,
			map[string]any{"c": byPriority.Interventions.PageInfo.EndCursor}, true},
		{"by status in its life cycle, then priority, the last ones", `{ interventions(last: 6, orderBy: [{field: STATUT},
			  {field: PRIORITE, direction: DESC}]) { pageInfo { hasPreviousPage startCursor } edges { cursor node { id statut priorite } } } }`, nil, true},
		{"the last ones", `{ interventions(last: 3) { pageInfo { hasPreviousPage startCursor } edges { node { id dateLimite } } } }`, nil, true},
		{"the count alone", `{ interventions { totalCount } }`, nil, true},
		{"an empty page", `{ interventions(first: 5, where: {titre: "aucune"}) { totalCount edges { node { titre } } } }`, nil, true},
		{"computed fields of a page", `{ interventions(first: 40) { edges { node { id availableTransitions delaiRestant delaiEcoule
			  enRetard dureeReelle coutPiecesCentimes coutMainOeuvreCentimes coutTotalCentimes slaRespecte } } } }`, nil, true},
		{"a detail", `query($id: ID!) { node(id: $id) { id ... on Intervention { titre statut priorite dateLimite
			  equipement { nom code } technicien { equipe user { email } } client { nom } documents { filename }
			  historique { ancienStatut nouveauStatut horodatage user { email } } availableTransitions delaiRestant coutTotalCentimes } } }`,
			map[string]any{"id": closed.ID}, true},
		{"a detail's computed fields", `query($id: ID!) { node(id: $id) { ... on Intervention { availableTransitions
			  delaiRestant delaiEcoule enRetard dureeReelle coutTotalCentimes slaRespecte } } }`,
			map[string]any{"id": mine.ID}, true},
		{"a detail without edges", `query($id: ID!) { node(id: $id) { __typename ... on Intervention { titre equipement { nom } documents { id } } } }`,
			map[string]any{"id": bare.ID}, true},
		{"another technician's intervention", `query($id: ID!) { node(id: $id) { ... on Intervention { titre } } }`,
			map[string]any{"id": othersIntervention.ID}, true},
		{"checklists of a page", `query($huge: ID!) { interventions(first: 40, where: {idNEQ: $huge}) { edges { node { id checklist { ` + points + ` } } } } }`,
			map[string]any{"huge": huge.ID}, true},
		{"a work order", workOrder, map[string]any{"id": wo.ID}, true},
		{"every field of a work order", workOrderEvery, map[string]any{"id": wo.ID}, true},
		{"no comment, no time", `query($id: ID!) { node(id: $id) { ... on Intervention {
			  tempsPasses(first: 0) { totalCount edges { node { id } } } commentaires { totalCount edges { node { id } } } } } }`,
			map[string]any{"id": bare.ID}, true},
		// Left to the resolvers:
		{"a measure Go writes with an exponent", `query($id: ID!) { node(id: $id) { ... on Intervention { checklist { valeur } } } }`,
			map[string]any{"id": huge.ID}, false},
		{"time rates, for staff only (@hasRole)", `query($id: ID!) { node(id: $id) { ... on Intervention {
			  tempsPasses(first: 1) { edges { node { tauxHoraireCentimes } } } } } }`, map[string]any{"id": wo.ID}, false},
		{"a page of comments sized by a variable", `query($id: ID!, $n: Int) { node(id: $id) { ... on Intervention {
			  commentaires(first: $n) { totalCount } } } }`, map[string]any{"id": wo.ID, "n": 2}, false},
		{"the comments' page information", `query($id: ID!) { node(id: $id) { ... on Intervention {
			  commentaires(first: 2) { pageInfo { hasNextPage } edges { cursor } } } } }`, map[string]any{"id": wo.ID}, false},
		{"a node that is not an intervention", `query($id: ID!) { node(id: $id) { id ... on Equipement { nom } } }`,
			map[string]any{"id": equipementID}, false},
		{"signed document links", `{ interventions(first: 5) { edges { node { documents { filename url } } } } }`, nil, false},
		{"the same connection field under two aliases", `{ interventions(first: 3) { a: edges { node { titre } }
			  b: edges { node { id statut } } edges { x: node { id } y: node { titre } } } }`, nil, false},
		{"an edge the shapes do not follow", `{ interventions(first: 5) { edges { node { titre planning { id } } } } }`, nil, false},
		{"a malformed cursor", `{ interventions(after: "nope") { totalCount } }`, nil, false},
	}
	viewers := []*ent.User{admin, responsable, techUser, clientUser}
	tokens := map[int]string{}
	for _, v := range viewers {
		tokens[v.ID] = on.Token(t, v)
	}
	compare := func(t *testing.T) {
		for _, viewer := range viewers {
			for _, tt := range tests {
				t.Run(string(viewer.Role)+"/"+tt.name, func(t *testing.T) {
					compareBothWays(t, on, off, tokens[viewer.ID], tt.query, tt.vars, tt.direct)
				})
			}
		}
	}
	t.Run("as seeded", compare)
	// (A comment belongs to one thread: an intervention or a request, never both.)
	fillNullable(t, on, graph.DirectTables(), "commentaires.intervention_id", "commentaires.demande_id")
	// Except what would end the viewers' sessions: a deleted account's token is refused.
	for _, v := range viewers {
		c.User.UpdateOne(v).ClearDeletedAt().ExecX(sys)
	}
	t.Run("every nullable column set", compare)
}

// compareBothWays runs query as the viewer of token on both servers and checks that on
// answers what off (field by field) answers, byte for byte, and that on PostgreSQL on
// rendered it directly when direct.
func compareBothWays(t *testing.T, on, off *apptest.Env, token, query string, vars map[string]any, direct bool) {
	t.Helper()
	before := graph.DirectRenders()
	got := on.GraphQL(t, token).Do(query, vars)
	rendered := graph.DirectRenders() - before
	want := off.GraphQL(t, token).Do(query, vars)
	if !bytes.Equal(got.Data, want.Data) {
		diff := firstDifference(jsonTokens(t, got.Data), jsonTokens(t, want.Data))
		if diff == "" {
			diff = "same values, other bytes (escaping)\n" + byteDifference(got.Data, want.Data)
		}
		t.Errorf("data differ: %s", diff)
	}
	if !reflect.DeepEqual(got.Errors, want.Errors) {
		t.Errorf("errors differ\nrendered:  %+v\nresolvers: %+v", got.Errors, want.Errors)
	}
	if len(got.Errors) == 0 && len(got.Data) < 20 {
		t.Errorf("suspiciously little data: %s", got.Data)
	}
	// A viewer who may not read the node gets the resolvers' error.
	wantRendered := int64(0)
	if testdb.Dialect() == dialect.Postgres && direct && len(want.Errors) == 0 {
		wantRendered = 1
	}
	if rendered != wantRendered {
		t.Errorf("%d root fields rendered in PostgreSQL, want %d", rendered, wantRendered)
	}
}

// byteDifference shows where two byte strings part.
func byteDifference(got, want []byte) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(0, i-40)
	return fmt.Sprintf("at byte %d\nrendered:  %q\nresolvers: %q", i, got[from:min(len(got), i+40)], want[from:min(len(want), i+40)])
}
