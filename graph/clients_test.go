package graph_test

import (
	"encoding/json"
	"sort"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
)

// clientWorld is two client companies set up through the API as staff would: each with an
// equipment, a contract covering it, a CLIENT account and an intervention.
type clientWorld struct {
	env   *apptest.Env
	admin *gqltest.Client
	// per company A and B
	soc, eq, contrat, iv, user [2]string
}

func newClientWorld(t *testing.T) *clientWorld {
	t.Helper()
	env := apptest.New(t)
	w := &clientWorld{env: env, admin: env.As(t, env.User(t, "Admin", domain.RoleAdmin))}
	for i, code := range []string{"A", "B"} {
		var s struct{ CreateSociete struct{ ID string } }
		w.admin.MustData(`mutation($in: CreateSocieteInput!) { createSociete(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"nom": "Société " + code, "code": code}}, &s)
		w.soc[i] = s.CreateSociete.ID
		var e struct{ CreateEquipement struct{ ID string } }
		w.admin.MustData(`mutation($in: CreateEquipementInput!) { createEquipement(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"nom": "Pompe " + code, "code": "EQ-" + code, "clientID": w.soc[i]}}, &e)
		w.eq[i] = e.CreateEquipement.ID
		var c struct{ CreateContrat struct{ ID string } }
		w.admin.MustData(`mutation($in: CreateContratInput!) { createContrat(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"reference": "CT-" + code, "dateDebut": "2020-01-01T00:00:00Z",
				"clientID": w.soc[i], "equipementIDs": []string{w.eq[i]}, "slaUrgenteHeures": 3}}, &c)
		w.contrat[i] = c.CreateContrat.ID
		var u struct{ CreateUser struct{ ID string } }
		w.admin.MustData(`mutation($in: CreateUserInput!) { createUser(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"email": "client-" + code + "@example.com", "password": "un mot de passe assez long",
				"role": "CLIENT", "societeId": w.soc[i]}}, &u)
		w.user[i] = u.CreateUser.ID
		var iv struct {
			CreateIntervention struct {
				ID      string
				Contrat struct{ ID string }
			}
		}
		w.admin.MustData(`mutation($in: CreateInterventionInput!) { createIntervention(input: $in) { id contrat { id } } }`,
			map[string]any{"in": map[string]any{"titre": "Fuite " + code, "clientID": w.soc[i], "equipementID": w.eq[i]}}, &iv)
		w.iv[i] = iv.CreateIntervention.ID
		if iv.CreateIntervention.Contrat.ID != w.contrat[i] {
			t.Fatalf("intervention of %s under contract %q, want %s", code, iv.CreateIntervention.Contrat.ID, w.contrat[i])
		}
	}
	return w
}

// as is a client of the API as the user with id.
func (w *clientWorld) as(t *testing.T, id string) *gqltest.Client {
	t.Helper()
	n, _ := strconv.Atoi(id)
	return w.env.As(t, w.env.Client.User.GetX(w.env.Sys, n))
}

// companyView is everything a viewer may learn of the client companies: the rows of every
// list and nested edge, the totals, node(id:) of every row of both companies, and filters
// that cross edges towards each company.
const companyView = `query($ids: [ID!]!) {
  societes { totalCount edges { node { id code
    contrats { id reference equipements { id } }
    interventions { totalCount edges { node { id } } }
    equipements { id }
  } } }
  contrats { totalCount edges { node { id reference client { id } equipements { id } interventions { id } } } }
  interventions { totalCount edges { node { id client { id } contrat { id reference } equipement { id } } } }
  equipements { totalCount edges { node { id client { id } contrats { id } } } }
  me { client { id code contrats { id } } }
  nodes(ids: $ids) { id }
  contratsOfB: contrats(where: {hasClientWith: {code: "B"}}) { totalCount }
  contratsOfA: contrats(where: {hasClientWith: {code: "A"}}) { totalCount }
  interventionsUnderB: interventions(where: {hasContratWith: {reference: "CT-B"}}) { totalCount }
  interventionsUnderA: interventions(where: {hasContratWith: {reference: "CT-A"}}) { totalCount }
  equipementsUnderB: equipements(where: {hasContratsWith: {reference: "CT-B"}}) { totalCount }
  societesWithB: societes(where: {hasContratsWith: {reference: "CT-B"}}) { totalCount }
  societesNotA: societes(where: {codeNEQ: "A"}) { totalCount }
}`

type page struct {
	TotalCount int
	Edges      []struct{ Node json.RawMessage }
}

type companyAnswer struct {
	Societes, Contrats, Interventions, Equipements page
	Me                                             struct{ Client *struct{ ID, Code string } }
	Nodes                                          []*struct{ ID string }
	ContratsOfB, ContratsOfA                       struct{ TotalCount int }
	InterventionsUnderB, InterventionsUnderA       struct{ TotalCount int }
	EquipementsUnderB, SocietesWithB, SocietesNotA struct{ TotalCount int }
	raw                                            json.RawMessage
}

func (w *clientWorld) view(t *testing.T, c *gqltest.Client) companyAnswer {
	t.Helper()
	ids := append(append(append(append([]string{}, w.soc[:]...), w.contrat[:]...), w.iv[:]...), w.eq[:]...)
	res := c.Do(companyView, map[string]any{"ids": ids})
	for _, e := range res.Errors {
		// A row he may not read is NOT_FOUND to node(id:), as if it did not exist.
		if len(e.Path) == 0 || e.Path[0] != "nodes" || e.Code() != "NOT_FOUND" {
			t.Fatalf("unexpected error: %+v", e)
		}
	}
	raw := res.Data
	var a companyAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatal(err)
	}
	a.raw = raw
	return a
}

// visibleIDs are the ids of nodes(ids:) that came back, sorted.
func (a companyAnswer) visibleIDs() []string {
	var out []string
	for _, n := range a.Nodes {
		if n != nil {
			out = append(out, n.ID)
		}
	}
	sort.Strings(out)
	return out
}

func sorted(ids ...string) []string { sort.Strings(ids); return ids }

// TestClientSeesExactlyHisCompany is the scenario of a client set up with a contract and a
// CLIENT account: the account reads its company, its contracts, interventions and equipment
// through every path (lists, nested edges, node, filters, counts), and nothing of the other
// company.
func TestClientSeesExactlyHisCompany(t *testing.T) {
	w := newClientWorld(t)
	for i, name := range []string{"A", "B"} {
		t.Run(name, func(t *testing.T) {
			a := w.view(t, w.as(t, w.user[i]))
			got := struct {
				Societes, Contrats, Interventions, Equipements int
				Me                                             string
				Visible                                        []string
				OwnFilters, OtherFilters                       []int
			}{a.Societes.TotalCount, a.Contrats.TotalCount, a.Interventions.TotalCount, a.Equipements.TotalCount, "", a.visibleIDs(), nil, nil}
			if a.Me.Client != nil {
				got.Me = a.Me.Client.ID
			}
			own, other := []int{a.ContratsOfA.TotalCount, a.InterventionsUnderA.TotalCount}, []int{a.ContratsOfB.TotalCount, a.InterventionsUnderB.TotalCount, a.EquipementsUnderB.TotalCount, a.SocietesWithB.TotalCount, a.SocietesNotA.TotalCount}
			if i == 1 {
				own, other = []int{a.ContratsOfB.TotalCount, a.InterventionsUnderB.TotalCount, a.EquipementsUnderB.TotalCount, a.SocietesWithB.TotalCount, a.SocietesNotA.TotalCount},
					[]int{a.ContratsOfA.TotalCount, a.InterventionsUnderA.TotalCount}
			}
			got.OwnFilters, got.OtherFilters = own, other
			want := got
			want.Societes, want.Contrats, want.Interventions, want.Equipements = 1, 1, 1, 1
			want.Me = w.soc[i]
			want.Visible = sorted(w.soc[i], w.contrat[i], w.iv[i], w.eq[i])
			want.OwnFilters = make([]int, len(own))
			for k := range want.OwnFilters {
				want.OwnFilters[k] = 1
			}
			want.OtherFilters = make([]int, len(other))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("client of %s (-want +got):\n%s\n%s", name, diff, a.raw)
			}
			// The nested edges hold his company's rows and no other.
			var rows struct {
				Societes struct {
					Edges []struct {
						Node struct {
							ID       string
							Contrats []struct {
								ID          string
								Equipements []struct{ ID string }
							}
							Interventions page
							Equipements   []struct{ ID string }
						}
					}
				}
				Interventions struct {
					Edges []struct {
						Node struct {
							Client, Contrat, Equipement *struct{ ID string }
						}
					}
				}
			}
			if err := json.Unmarshal(a.raw, &rows); err != nil {
				t.Fatal(err)
			}
			s := rows.Societes.Edges[0].Node
			if s.ID != w.soc[i] || len(s.Contrats) != 1 || s.Contrats[0].ID != w.contrat[i] || len(s.Contrats[0].Equipements) != 1 ||
				s.Contrats[0].Equipements[0].ID != w.eq[i] || s.Interventions.TotalCount != 1 || len(s.Equipements) != 1 || s.Equipements[0].ID != w.eq[i] {
				t.Errorf("his company's edges: %+v", s)
			}
			iv := rows.Interventions.Edges[0].Node
			if iv.Client == nil || iv.Client.ID != w.soc[i] || iv.Contrat == nil || iv.Contrat.ID != w.contrat[i] || iv.Equipement == nil || iv.Equipement.ID != w.eq[i] {
				t.Errorf("his intervention's edges: client %+v, contrat %+v, equipement %+v", iv.Client, iv.Contrat, iv.Equipement)
			}
		})
	}

	t.Run("Technicien", func(t *testing.T) {
		// A technician on company A's work reads company A through it, and no contract.
		techUser := w.env.User(t, "Tech", domain.RoleTechnicien)
		tech := w.env.Client.Technicien.Create().SetUser(techUser).SaveX(w.env.Sys)
		w.admin.MustData(`mutation($id: ID!, $t: ID!) { assignIntervention(id: $id, technicienId: $t) { id } }`,
			map[string]any{"id": w.iv[0], "t": strconv.Itoa(tech.ID)}, &struct{}{})
		var got struct {
			Interventions struct {
				Edges []struct {
					Node struct {
						Client  *struct{ ID string }
						Contrat *struct{ ID string }
					}
				}
			}
			Nodes []*struct{ ID string }
		}
		res := w.env.As(t, techUser).Do(`query($ids: [ID!]!) { interventions { edges { node { client { id } contrat { id } } } } nodes(ids: $ids) { id } }`,
			map[string]any{"ids": []string{w.soc[0], w.soc[1], w.contrat[0], w.contrat[1]}})
		if err := json.Unmarshal(res.Data, &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Interventions.Edges) != 1 || got.Interventions.Edges[0].Node.Client == nil || got.Interventions.Edges[0].Node.Client.ID != w.soc[0] ||
			got.Interventions.Edges[0].Node.Contrat != nil {
			t.Errorf("technician's interventions: %+v", got.Interventions)
		}
		if got.Nodes[0] == nil || got.Nodes[1] != nil || got.Nodes[2] != nil || got.Nodes[3] != nil {
			t.Errorf("technician's nodes: %+v, want company A only", got.Nodes)
		}
	})
}

// TestClientLink: an admin links a CLIENT account to its company at creation or later, and
// unlinks it; each change shows on the account's next request (the viewer cache is on).
func TestClientLink(t *testing.T) {
	w := newClientWorld(t)
	var u struct{ CreateUser struct{ ID string } }
	w.admin.MustData(`mutation($in: CreateUserInput!) { createUser(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"email": "late@example.com", "password": "un mot de passe assez long", "role": "CLIENT"}}, &u)
	late := w.as(t, u.CreateUser.ID)
	sees := func(t *testing.T) []string {
		t.Helper()
		return w.view(t, late).visibleIDs()
	}
	if got := sees(t); len(got) != 0 {
		t.Fatalf("an unlinked client sees %v", got)
	}
	const update = `mutation($id: ID!, $in: UpdateUserInput!) { updateUser(id: $id, input: $in) { id client { id } } }`
	steps := []struct {
		name string
		in   map[string]any
		want []string
	}{
		{"LinkA", map[string]any{"societeId": w.soc[0]}, sorted(w.soc[0], w.contrat[0], w.iv[0], w.eq[0])},
		{"MoveToB", map[string]any{"societeId": w.soc[1]}, sorted(w.soc[1], w.contrat[1], w.iv[1], w.eq[1])},
		{"Unlink", map[string]any{"clearSociete": true}, nil},
		{"LinkAgain", map[string]any{"societeId": w.soc[0]}, sorted(w.soc[0], w.contrat[0], w.iv[0], w.eq[0])},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			sees(t) // fills the viewer cache with the account as it was
			w.admin.MustData(update, map[string]any{"id": u.CreateUser.ID, "in": st.in}, &struct{}{})
			if got := sees(t); !cmp.Equal(st.want, got) {
				t.Errorf("after %s the account sees %v, want %v", st.name, got, st.want)
			}
		})
	}
	w.admin.MustData(update, map[string]any{"id": u.CreateUser.ID, "in": map[string]any{"role": "TECHNICIEN"}}, &struct{}{})
	if n, _ := strconv.Atoi(u.CreateUser.ID); w.env.Client.User.GetX(w.env.Sys, n).SocieteID != nil {
		t.Error("a TECHNICIEN account kept its company")
	}

	t.Run("Refused", func(t *testing.T) {
		c, ctx := w.env.Client, w.env.Sys
		archived := c.Societe.Create().SetNom("Ancienne").SetCode("OLD").SetActif(false).SaveX(ctx)
		client := w.env.User(t, "Refused", domain.RoleClient)
		tests := []struct {
			name, doc string
			vars      map[string]any
			code      string
		}{
			{"CreateTechnicienWithCompany", `mutation($in: CreateUserInput!) { createUser(input: $in) { id } }`,
				map[string]any{"in": map[string]any{"email": "t@example.com", "password": "un mot de passe assez long", "role": "TECHNICIEN", "societeId": w.soc[0]}}, "BAD_USER_INPUT"},
			{"CreateUnknownCompany", `mutation($in: CreateUserInput!) { createUser(input: $in) { id } }`,
				map[string]any{"in": map[string]any{"email": "c@example.com", "password": "un mot de passe assez long", "role": "CLIENT", "societeId": "42949672959"}}, "NOT_FOUND"},
			{"CreateArchivedCompany", `mutation($in: CreateUserInput!) { createUser(input: $in) { id } }`,
				map[string]any{"in": map[string]any{"email": "c@example.com", "password": "un mot de passe assez long", "role": "CLIENT", "societeId": strconv.Itoa(archived.ID)}}, "CONFLICT"},
			{"LinkAdmin", update, map[string]any{"id": strconv.Itoa(w.env.User(t, "Admin2", domain.RoleAdmin).ID), "in": map[string]any{"societeId": w.soc[0]}}, "BAD_USER_INPUT"},
			{"LinkArchived", update, map[string]any{"id": strconv.Itoa(client.ID), "in": map[string]any{"societeId": strconv.Itoa(archived.ID)}}, "CONFLICT"},
			{"LinkAndClear", update, map[string]any{"id": strconv.Itoa(client.ID), "in": map[string]any{"societeId": w.soc[0], "clearSociete": true}}, "BAD_USER_INPUT"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := c.User.Query().CountX(ctx)
				if e := w.admin.MustFail(tt.doc, tt.vars); e.Code() != tt.code {
					t.Errorf("code = %s (%s), want %s", e.Code(), e.Message, tt.code)
				}
				if after := c.User.Query().CountX(ctx); after != before {
					t.Errorf("%d users after a refused request, want %d", after, before)
				}
				if c.User.GetX(ctx, client.ID).SocieteID != nil {
					t.Error("a refused request linked the account")
				}
			})
		}
		// Only ADMIN links accounts.
		resp := w.env.As(t, w.env.User(t, "Resp", domain.RoleResponsable))
		if e := resp.MustFail(update, map[string]any{"id": strconv.Itoa(client.ID), "in": map[string]any{"societeId": w.soc[0]}}); e.Code() != "FORBIDDEN" {
			t.Errorf("RESPONSABLE linking an account: %s, want FORBIDDEN", e.Code())
		}
	})
}
