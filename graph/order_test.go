package graph_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/testdb"
)

// Enumerations with a business order sort by it, not alphabetically, in both directions,
// with stable cursors across rows of equal rank, through the real HTTP handler (on
// PostgreSQL the interventions list is rendered by the database, the others by the
// resolvers).

// rankedData stores, for each value of the ranked enumerations, three interventions, two
// equipements and two plannings (equal ranks span page boundaries), created in an order
// that is neither the alphabet nor the rank.
func rankedData(t *testing.T, e *apptest.Env) {
	t.Helper()
	shuffle := func(values []string) []string { // a fixed order, unlike both
		out := slices.Clone(values)
		for i := range out {
			j := (i*7 + 3) % len(out)
			out[i], out[j] = out[j], out[i]
		}
		return out
	}
	statuts := shuffle(domain.InterventionStatut("").Values())
	priorites := shuffle(domain.Priorite("").Values())
	for i := range 21 {
		e.Client.Intervention.Create().SetTitre(fmt.Sprintf("Intervention %02d", i)).
			SetStatut(domain.InterventionStatut(statuts[i%len(statuts)])).
			SetPriorite(domain.Priorite(priorites[i%len(priorites)])).ExecX(e.Sys)
	}
	criticites := shuffle(domain.Criticite("").Values())
	etats := shuffle(domain.EquipementStatut("").Values())
	var eq *ent.Equipement
	for i := range 8 {
		eq = e.Client.Equipement.Create().SetNom(fmt.Sprintf("Équipement %d", i)).SetCode(fmt.Sprintf("EQ-%02d", i)).
			SetCriticite(domain.Criticite(criticites[i%len(criticites)])).
			SetStatut(domain.EquipementStatut(etats[(i/2)%len(etats)])).SaveX(e.Sys)
	}
	frequences := shuffle(domain.Frequence("").Values())
	etatsPlanning := shuffle(domain.PlanningStatut("").Values())
	for i := range 12 {
		e.Client.Planning.Create().SetTitre(fmt.Sprintf("Planning %02d", i)).SetEquipement(eq).
			SetProchaineDate(time.Date(2027, 1, 1+i, 8, 0, 0, 0, time.UTC)).
			SetFrequence(domain.Frequence(frequences[i%len(frequences)])).
			SetPriorite(domain.Priorite(priorites[i%len(priorites)])).
			SetStatut(domain.PlanningStatut(etatsPlanning[i%len(etatsPlanning)])).ExecX(e.Sys)
	}
}

// orderCase is a list sorted one way, and the values it must show, in that order.
type orderCase struct {
	name   string
	list   string   // the root connection
	field  string   // the node's field
	order  string   // orderBy, as GraphQL
	values []string // the distinct values of field, in the order the list must show them
}

var (
	prioritesDesc  = []string{"URGENTE", "HAUTE", "NORMALE", "BASSE", "PROGRAMMEE"}
	statutsCycle   = []string{"OUVERTE", "AFFECTEE", "EN_COURS", "EN_ATTENTE", "CLOTUREE", "ANNULEE", "ARCHIVEE"}
	criticitesDesc = []string{"CRITIQUE", "IMPORTANT", "STANDARD", "NON_CRITIQUE"}
)

func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}

var orderCases = []orderCase{
	{"InterventionsPrioriteDesc", "interventions", "priorite", `{field: PRIORITE, direction: DESC}`, prioritesDesc},
	{"InterventionsPrioriteAsc", "interventions", "priorite", `{field: PRIORITE, direction: ASC}`, reversed(prioritesDesc)},
	{"InterventionsStatutAsc", "interventions", "statut", `{field: STATUT}`, statutsCycle},
	{"InterventionsStatutDesc", "interventions", "statut", `{field: STATUT, direction: DESC}`, reversed(statutsCycle)},
	{"EquipementsCriticiteDesc", "equipements", "criticite", `{field: CRITICITE, direction: DESC}`, criticitesDesc},
	{"EquipementsCriticiteAsc", "equipements", "criticite", `{field: CRITICITE}`, reversed(criticitesDesc)},
	{"EquipementsStatutAsc", "equipements", "statut", `{field: STATUT}`, []string{"OPERATIONNEL", "MAINTENANCE", "PANNE", "RETIRE"}},
	{"PlanningsPrioriteDesc", "plannings", "priorite", `{field: PRIORITE, direction: DESC}`, prioritesDesc},
	{"PlanningsFrequenceAsc", "plannings", "frequence", `{field: FREQUENCE}`,
		[]string{"JOURNALIER", "HEBDOMADAIRE", "MENSUEL", "TRIMESTRIEL", "SEMESTRIEL", "ANNUEL"}},
	{"PlanningsFrequenceDesc", "plannings", "frequence", `{field: FREQUENCE, direction: DESC}`,
		[]string{"ANNUEL", "SEMESTRIEL", "TRIMESTRIEL", "MENSUEL", "HEBDOMADAIRE", "JOURNALIER"}},
	{"PlanningsStatutAsc", "plannings", "statut", `{field: STATUT}`, []string{"ACTIF", "SUSPENDU", "TERMINE"}},
}

// orderedNode is a listed row: its id and the sorted field's value.
type orderedNode struct{ ID, Value string }

// orderedPage reads one page of c.list sorted by c.order.
func orderedPage(t *testing.T, api *gqltest.Client, c orderCase, page string) (nodes []orderedNode, start, end string, prev, next bool) {
	t.Helper()
	var got map[string]struct {
		Edges []struct {
			Cursor string
			Node   map[string]string
		}
		PageInfo struct {
			StartCursor, EndCursor       string
			HasNextPage, HasPreviousPage bool
		}
	}
	api.MustData(fmt.Sprintf(`{ %s(%s, orderBy: [%s]) { edges { cursor node { id v: %s } }
	  pageInfo { startCursor endCursor hasNextPage hasPreviousPage } } }`, c.list, page, c.order, c.field), nil, &got)
	conn := got[c.list]
	for _, e := range conn.Edges {
		nodes = append(nodes, orderedNode{e.Node["id"], e.Node["v"]})
	}
	return nodes, conn.PageInfo.StartCursor, conn.PageInfo.EndCursor, conn.PageInfo.HasPreviousPage, conn.PageInfo.HasNextPage
}

// distinct is the values in the order they first show, each run of equal ones once.
func distinct(nodes []orderedNode) []string {
	var out []string
	for _, n := range nodes {
		if len(out) == 0 || out[len(out)-1] != n.Value {
			out = append(out, n.Value)
		}
	}
	return out
}

func TestOrderByBusinessRank(t *testing.T) {
	e := apptest.New(t)
	admin := e.User(t, "Admin", domain.RoleAdmin)
	rankedData(t, e)
	api := e.As(t, admin)
	for _, c := range orderCases {
		t.Run(c.name, func(t *testing.T) {
			all, _, _, _, _ := orderedPage(t, api, c, "first: 100")
			if diff := cmp.Diff(c.values, distinct(all)); diff != "" {
				t.Fatalf("values in list order (-want +got):\n%s", diff)
			}

			// Forward, four at a time: the pages cut through runs of equal ranks.
			var forward []orderedNode
			for after, more := "", true; more; {
				page := "first: 4"
				if after != "" {
					page += fmt.Sprintf(", after: %q", after)
				}
				var nodes []orderedNode
				nodes, _, after, _, more = orderedPage(t, api, c, page)
				forward = append(forward, nodes...)
				if len(forward) > len(all) {
					t.Fatal("paging forward does not end")
				}
			}
			if diff := cmp.Diff(all, forward); diff != "" {
				t.Errorf("pages forward (-one page +pages):\n%s", diff)
			}

			// Backward from the end, four at a time.
			var backward []orderedNode
			for before, more := "", true; more; {
				page := "last: 4"
				if before != "" {
					page += fmt.Sprintf(", before: %q", before)
				}
				var nodes []orderedNode
				nodes, before, _, more, _ = orderedPage(t, api, c, page)
				backward = append(nodes, backward...)
				if len(backward) > len(all) {
					t.Fatal("paging backward does not end")
				}
			}
			if diff := cmp.Diff(all, backward); diff != "" {
				t.Errorf("pages backward (-one page +pages):\n%s", diff)
			}
		})
	}

	t.Run("TwoOrders", func(t *testing.T) {
		type row struct{ Statut, Priorite string }
		var got struct {
			Interventions struct{ Edges []struct{ Node row } }
		}
		api.MustData(`{ interventions(first: 100, orderBy: [{field: STATUT}, {field: PRIORITE, direction: DESC}]) {
		  edges { node { statut priorite } } } }`, nil, &got)
		var rows []row
		for _, e := range got.Interventions.Edges {
			rows = append(rows, e.Node)
		}
		sorted := slices.IsSortedFunc(rows, func(a, b row) int {
			if c := slices.Index(statutsCycle, a.Statut) - slices.Index(statutsCycle, b.Statut); c != 0 {
				return c
			}
			return slices.Index(prioritesDesc, a.Priorite) - slices.Index(prioritesDesc, b.Priorite)
		})
		if !sorted || len(rows) != 21 {
			t.Errorf("by statut then priority, highest first: %d rows, sorted %t: %v", len(rows), sorted, rows)
		}
	})
}

// Every way of writing an enumeration field keeps its rank: a creation, an update through
// the API, an update of many rows, a change of status by the life cycle.
func TestRankFollowsItsField(t *testing.T) {
	e := apptest.New(t)
	admin := e.User(t, "Admin", domain.RoleAdmin)
	api := e.As(t, admin)
	low := e.Client.Intervention.Create().SetTitre("Basse").SetPriorite(domain.PrioriteBasse).SaveX(e.Sys)
	high := e.Client.Intervention.Create().SetTitre("Haute").SetPriorite(domain.PrioriteHaute).SaveX(e.Sys)
	e.Client.Intervention.Create().SetTitre("Normale").ExecX(e.Sys) // the default priority

	top := func() string {
		var got struct {
			Interventions struct {
				Edges []struct{ Node struct{ Titre string } }
			}
		}
		api.MustData(`{ interventions(first: 1, orderBy: [{field: PRIORITE, direction: DESC}]) { edges { node { titre } } } }`, nil, &got)
		if len(got.Interventions.Edges) != 1 {
			t.Fatalf("no intervention listed")
		}
		return got.Interventions.Edges[0].Node.Titre
	}
	if got := top(); got != "Haute" {
		t.Errorf("highest priority first = %s, want Haute", got)
	}
	api.MustData(`mutation($id: ID!) { updateIntervention(id: $id, input: {priorite: URGENTE}) { id } }`,
		map[string]any{"id": fmt.Sprint(low.ID)}, &struct{}{})
	if got := top(); got != "Basse" {
		t.Errorf("after updateIntervention to URGENTE, highest priority first = %s, want Basse", got)
	}
	e.Client.Intervention.Update().SetPriorite(domain.PrioriteProgrammee).ExecX(e.Sys)
	e.Client.Intervention.UpdateOne(high).SetStatut(domain.StatutAffectee).ExecX(e.Sys)
	e.Client.HistoriqueIntervention.Create().SetInterventionID(high.ID).SetUserID(admin.ID).
		SetNouveauStatut(domain.StatutAffectee).ExecX(e.Sys)
	soudure := e.Client.Competence.Create().SetNom("Soudure").SaveX(e.Sys)
	tc := e.Client.TechnicienCompetence.Create().SetTechnicien(e.Client.Technicien.Create().SetUser(e.User(t, "Soudeur", domain.RoleTechnicien)).SaveX(e.Sys)).SetCompetence(soudure).
		SetNiveau(domain.NiveauExpert).SaveX(e.Sys)
	e.Client.TechnicienCompetence.UpdateOne(tc).SetNiveau(domain.NiveauDebutant).ExecX(e.Sys)

	for _, iv := range e.Client.Intervention.Query().AllX(e.Sys) {
		if iv.PrioriteRang != iv.Priorite.Rank() || iv.StatutRang != iv.Statut.Rank() {
			t.Errorf("intervention %q: priorite %s rank %d, statut %s rank %d", iv.Titre, iv.Priorite, iv.PrioriteRang, iv.Statut, iv.StatutRang)
		}
	}
	for _, h := range e.Client.HistoriqueIntervention.Query().AllX(e.Sys) {
		if h.NouveauStatutRang != h.NouveauStatut.Rank() {
			t.Errorf("history line: %s rank %d", h.NouveauStatut, h.NouveauStatutRang)
		}
	}
	for _, c := range e.Client.TechnicienCompetence.Query().AllX(e.Sys) {
		if c.NiveauRang != c.Niveau.Rank() || c.NiveauRang != domain.NiveauDebutant.Rank() {
			t.Errorf("skill held: %s rank %d", c.Niveau, c.NiveauRang)
		}
	}
}

// On PostgreSQL a page sorted by a rank (then id, as entgql sorts), in either direction and
// from either end, is read from an index: the plan sorts nothing, even with sorting made
// costly (and scanning the table too).
func TestRankOrderIndexed(t *testing.T) {
	if testdb.Dialect() != dialect.Postgres {
		t.Skip("PostgreSQL's plans")
	}
	e := apptest.New(t)
	rankedData(t, e)
	ctx := context.Background()
	for _, tc := range []struct{ table, column string }{
		{"interventions", "priorite_rang"}, {"interventions", "statut_rang"},
		{"equipements", "criticite_rang"}, {"equipements", "statut_rang"},
		{"plannings", "priorite_rang"}, {"plannings", "frequence_rang"}, {"plannings", "statut_rang"},
	} {
		for _, order := range []string{"ASC, id ASC", "DESC, id ASC", "DESC, id DESC", "ASC, id DESC"} {
			query := fmt.Sprintf("SELECT * FROM %s ORDER BY %s %s LIMIT 51", tc.table, tc.column, order)
			t.Run(query, func(t *testing.T) {
				tx, err := e.DB.SQL.BeginTx(ctx, nil)
				if err != nil {
					t.Fatal(err)
				}
				defer func() { _ = tx.Rollback() }()
				for _, set := range []string{"SET LOCAL enable_sort = off", "SET LOCAL enable_seqscan = off"} {
					if _, err := tx.ExecContext(ctx, set); err != nil {
						t.Fatal(err)
					}
				}
				rows, err := tx.QueryContext(ctx, "EXPLAIN "+query)
				if err != nil {
					t.Fatal(err)
				}
				defer func() { _ = rows.Close() }()
				var plan []string
				for rows.Next() {
					var line string
					if err := rows.Scan(&line); err != nil {
						t.Fatal(err)
					}
					plan = append(plan, line)
				}
				if err := rows.Err(); err != nil {
					t.Fatal(err)
				}
				text := strings.Join(plan, "\n")
				if strings.Contains(text, "Sort") || !strings.Contains(text, "Index Scan") {
					t.Errorf("plan sorts or reads no index:\n%s", text)
				}
			})
		}
	}
}
