package graph_test

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
)

// The outcomes of the role matrix: allowed, or the error code of the refusal.
const (
	allowed         = ""
	forbidden       = "FORBIDDEN"
	unauthenticated = "UNAUTHENTICATED"
)

// matrixCallers are the columns of the role matrix, in the order of matrixOp.want.
var matrixCallers = []struct {
	name string
	role domain.Role // "" is the anonymous caller
}{
	{"ADMIN", domain.RoleAdmin},
	{"RESPONSABLE", domain.RoleResponsable},
	{"TECHNICIEN", domain.RoleTechnicien},
	{"CLIENT", domain.RoleClient},
	{"anonymous", ""},
}

// matrixCheck verifies the outcome of one request: data is the response's data, ok whether
// the request had to be allowed.
type matrixCheck func(t *testing.T, data json.RawMessage, ok bool)

// matrixOp is a row of the role matrix.
type matrixOp struct {
	name string
	want [5]string // ADMIN, RESPONSABLE, TECHNICIEN, CLIENT, anonymous
	// prepare builds the request of caller (nil: anonymous) in the case named tag, with its
	// fixtures, and returns the check of its outcome.
	prepare func(t *testing.T, caller *ent.User, tag string) (doc string, vars map[string]any, check matrixCheck)
}

// rootField returns the value of a root field in data, nil when the field is absent or null.
func rootField(t *testing.T, data json.RawMessage, name string) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if len(data) > 0 {
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("decoding data: %v\n%s", err, data)
		}
	}
	v := m[name]
	if string(v) == "null" {
		return nil
	}
	return v
}

// decodeField decodes a root field of data into out, failing when it is null.
func decodeField(t *testing.T, data json.RawMessage, name string, out any) {
	t.Helper()
	raw := rootField(t, data, name)
	if raw == nil {
		t.Fatalf("data.%s is null: %s", name, data)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("decoding data.%s: %v\n%s", name, err, raw)
	}
}

// noData fails when a refused request still returned its root field.
func noData(t *testing.T, data json.RawMessage, name string) {
	t.Helper()
	if raw := rootField(t, data, name); raw != nil {
		t.Errorf("refused request returned data.%s = %s", name, raw)
	}
}

func TestRoleMatrix(t *testing.T) {
	env := apptest.New(t)
	ctx, c := env.Sys, env.Client

	// Every caller has a user of his role; the fixture makes every row visible to every role
	// allowed to list it (the technician is on the intervention, the client asked for it), so
	// an allowed list counts exactly the rows of its table.
	callers := map[domain.Role]*ent.User{}
	for _, mc := range matrixCallers {
		if mc.role != "" {
			callers[mc.role] = env.User(t, "Matrix-"+string(mc.role), mc.role)
		}
	}
	tech := c.Technicien.Create().SetUser(callers[domain.RoleTechnicien]).SaveX(ctx)
	soc := c.Societe.Create().SetNom("Client SA").SetCode("CLI-1").AddUsers(callers[domain.RoleClient]).SaveX(ctx)
	eq := c.Equipement.Create().SetNom("Pompe").SetCode("EQ-1").SetClient(soc).SaveX(ctx)
	c.Intervention.Create().SetTitre("Fuite").SetEquipement(eq).SetTechnicien(tech).
		SetClient(soc).SetDemandeur(callers[domain.RoleClient]).SaveX(ctx)
	c.Planning.Create().SetTitre("Graissage").SetFrequence(domain.FrequenceMensuel).
		SetProchaineDate(time.Now().Add(24 * time.Hour)).SetEquipement(eq).SaveX(ctx)
	c.Contrat.Create().SetReference("CT-1").SetDateDebut(time.Now()).SetClient(soc).SaveX(ctx)
	c.Piece.Create().SetReference("P-1").SetDesignation("Joint").SaveX(ctx)
	c.Competence.Create().SetNom("Froid").SaveX(ctx)

	// count is a read of `{ field { totalCount } }` whose allowed answer is the table's size.
	count := func(field string, size func() int) func(*testing.T, *ent.User, string) (string, map[string]any, matrixCheck) {
		return func(*testing.T, *ent.User, string) (string, map[string]any, matrixCheck) {
			return "{ " + field + " { totalCount } }", nil, func(t *testing.T, data json.RawMessage, ok bool) {
				if !ok {
					noData(t, data, field)
					return
				}
				var got struct{ TotalCount int }
				decodeField(t, data, field, &got)
				if want := size(); got.TotalCount != want {
					t.Errorf("%s.totalCount = %d, want %d", field, got.TotalCount, want)
				}
			}
		}
	}
	reload := func(t *testing.T, id int) *ent.User {
		t.Helper()
		u, err := c.User.Get(ctx, id)
		if err != nil {
			t.Fatalf("reloading user %d: %v", id, err)
		}
		return u
	}
	// target is a throwaway account for the admin mutations of one case.
	target := func(t *testing.T, tag string) *ent.User {
		return env.User(t, "target-"+tag, domain.RoleClient)
	}

	const (
		A = allowed
		F = forbidden
		U = unauthenticated
	)
	ops := []matrixOp{
		{"users", [5]string{A, A, F, F, U}, count("users", func() int { return c.User.Query().CountX(ctx) })},
		{"plannings", [5]string{A, A, F, F, U}, count("plannings", func() int { return c.Planning.Query().CountX(ctx) })},
		{"societes", [5]string{A, A, F, A, U}, count("societes", func() int { return c.Societe.Query().CountX(ctx) })},
		{"contrats", [5]string{A, A, F, A, U}, count("contrats", func() int { return c.Contrat.Query().CountX(ctx) })},
		{"pieces", [5]string{A, A, A, F, U}, count("pieces", func() int { return c.Piece.Query().CountX(ctx) })},
		{"interventions", [5]string{A, A, A, A, U}, count("interventions", func() int { return c.Intervention.Query().CountX(ctx) })},
		{"equipements", [5]string{A, A, A, A, U}, count("equipements", func() int { return c.Equipement.Query().CountX(ctx) })},
		{"competences", [5]string{A, A, A, A, U}, func(*testing.T, *ent.User, string) (string, map[string]any, matrixCheck) {
			return `{ competences { nom } }`, nil, func(t *testing.T, data json.RawMessage, ok bool) {
				if !ok {
					noData(t, data, "competences")
					return
				}
				var got []struct{ Nom string }
				decodeField(t, data, "competences", &got)
				if diff := cmp.Diff([]struct{ Nom string }{{"Froid"}}, got); diff != "" {
					t.Errorf("competences (-want +got):\n%s", diff)
				}
			}
		}},
		{"me", [5]string{A, A, A, A, U}, func(_ *testing.T, caller *ent.User, _ string) (string, map[string]any, matrixCheck) {
			return `{ me { email role } }`, nil, func(t *testing.T, data json.RawMessage, ok bool) {
				if !ok {
					noData(t, data, "me")
					return
				}
				var got struct{ Email, Role string }
				decodeField(t, data, "me", &got)
				want := struct{ Email, Role string }{caller.Email, string(caller.Role)}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("me (-want +got):\n%s", diff)
				}
			}
		}},
		{"createUser", [5]string{A, F, F, F, U}, func(_ *testing.T, _ *ent.User, tag string) (string, map[string]any, matrixCheck) {
			email := "created-" + tag + "@example.com"
			doc := `mutation($input: CreateUserInput!) { createUser(input: $input) { email role isActive } }`
			vars := map[string]any{"input": map[string]any{"email": email, "password": "un mot de passe assez long", "role": "CLIENT"}}
			return doc, vars, func(t *testing.T, data json.RawMessage, ok bool) {
				exists := c.User.Query().Where(user.Email(email)).ExistX(ctx)
				if !ok {
					noData(t, data, "createUser")
					if exists {
						t.Errorf("refused createUser created %s", email)
					}
					return
				}
				var got struct {
					Email, Role string
					IsActive    bool
				}
				decodeField(t, data, "createUser", &got)
				if got.Email != email || got.Role != "CLIENT" || !got.IsActive {
					t.Errorf("createUser = %+v, want an active CLIENT %s", got, email)
				}
				if !exists {
					t.Errorf("createUser answered but %s is not in the database", email)
				}
			}
		}},
		{"updateUser", [5]string{A, F, F, F, U}, func(t *testing.T, _ *ent.User, tag string) (string, map[string]any, matrixCheck) {
			tgt := target(t, tag)
			name := "Renommé par " + tag
			doc := `mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id nomComplet } }`
			vars := map[string]any{"id": strconv.Itoa(tgt.ID), "input": map[string]any{"nomComplet": name}}
			return doc, vars, func(t *testing.T, data json.RawMessage, ok bool) {
				after := reload(t, tgt.ID)
				if !ok {
					noData(t, data, "updateUser")
					if after.NomComplet != tgt.NomComplet {
						t.Errorf("refused updateUser changed nomComplet from %q to %q", tgt.NomComplet, after.NomComplet)
					}
					return
				}
				var got struct{ ID, NomComplet string }
				decodeField(t, data, "updateUser", &got)
				if want := (struct{ ID, NomComplet string }{strconv.Itoa(tgt.ID), name}); got != want {
					t.Errorf("updateUser = %+v, want %+v", got, want)
				}
				if after.NomComplet != name {
					t.Errorf("after updateUser, nomComplet = %q in the database, want %q", after.NomComplet, name)
				}
			}
		}},
		{"deactivateUser", [5]string{A, F, F, F, U}, func(t *testing.T, _ *ent.User, tag string) (string, map[string]any, matrixCheck) {
			tgt := target(t, tag)
			doc := `mutation($id: ID!) { deactivateUser(id: $id) { id isActive } }`
			return doc, map[string]any{"id": strconv.Itoa(tgt.ID)}, func(t *testing.T, data json.RawMessage, ok bool) {
				after := reload(t, tgt.ID)
				if !ok {
					noData(t, data, "deactivateUser")
					if !after.IsActive {
						t.Errorf("refused deactivateUser deactivated user %d", tgt.ID)
					}
					return
				}
				var got struct {
					ID       string
					IsActive bool
				}
				decodeField(t, data, "deactivateUser", &got)
				if got.ID != strconv.Itoa(tgt.ID) || got.IsActive {
					t.Errorf("deactivateUser = %+v, want user %d inactive", got, tgt.ID)
				}
				if after.IsActive {
					t.Errorf("after deactivateUser, user %d is still active in the database", tgt.ID)
				}
			}
		}},
		{"deleteUser", [5]string{A, F, F, F, U}, func(t *testing.T, _ *ent.User, tag string) (string, map[string]any, matrixCheck) {
			tgt := target(t, tag)
			doc := `mutation($id: ID!) { deleteUser(id: $id) }`
			return doc, map[string]any{"id": strconv.Itoa(tgt.ID)}, func(t *testing.T, data json.RawMessage, ok bool) {
				after := reload(t, tgt.ID)
				if !ok {
					noData(t, data, "deleteUser")
					if after.DeletedAt != nil || after.Email != tgt.Email || !after.IsActive {
						t.Errorf("refused deleteUser changed user %d: deletedAt %v, email %q, active %v",
							tgt.ID, after.DeletedAt, after.Email, after.IsActive)
					}
					return
				}
				var got string
				decodeField(t, data, "deleteUser", &got)
				if got != strconv.Itoa(tgt.ID) {
					t.Errorf("deleteUser = %q, want %d", got, tgt.ID)
				}
				if after.DeletedAt == nil || after.Email == tgt.Email || after.IsActive {
					t.Errorf("after deleteUser, user %d is not anonymized: deletedAt %v, email %q, active %v",
						tgt.ID, after.DeletedAt, after.Email, after.IsActive)
				}
			}
		}},
		{"updateMe", [5]string{A, A, A, A, U}, func(_ *testing.T, caller *ent.User, tag string) (string, map[string]any, matrixCheck) {
			name := "Moi " + tag
			doc := `mutation($input: UpdateMeInput!) { updateMe(input: $input) { email nomComplet } }`
			vars := map[string]any{"input": map[string]any{"nomComplet": name}}
			return doc, vars, func(t *testing.T, data json.RawMessage, ok bool) {
				if !ok {
					noData(t, data, "updateMe")
					if c.User.Query().Where(user.NomComplet(name)).ExistX(ctx) {
						t.Errorf("refused updateMe renamed a user to %q", name)
					}
					return
				}
				var got struct{ Email, NomComplet string }
				decodeField(t, data, "updateMe", &got)
				if want := (struct{ Email, NomComplet string }{caller.Email, name}); got != want {
					t.Errorf("updateMe = %+v, want %+v", got, want)
				}
				if after := reload(t, caller.ID); after.NomComplet != name {
					t.Errorf("after updateMe, nomComplet = %q in the database, want %q", after.NomComplet, name)
				}
			}
		}},
	}

	for i, mc := range matrixCallers {
		api := env.GraphQL(t, "")
		var caller *ent.User
		if mc.role != "" {
			caller = callers[mc.role]
			api = env.As(t, caller)
		}
		for _, op := range ops {
			want := op.want[i]
			t.Run(mc.name+"/"+op.name, func(t *testing.T) {
				tag := strings.ToLower(mc.name + "-" + op.name)
				doc, vars, check := op.prepare(t, caller, tag)
				res := api.Do(doc, vars)
				if want == allowed {
					if len(res.Errors) > 0 {
						t.Fatalf("want allowed, got errors %+v", res.Errors)
					}
				} else {
					if len(res.Errors) == 0 {
						t.Fatalf("want %s, got data %s", want, res.Data)
					}
					if got := res.Errors[0].Code(); got != want {
						t.Errorf("code = %q (%s), want %s", got, res.Errors[0].Message, want)
					}
				}
				check(t, res.Data, want == allowed)
			})
		}
	}
}

// visibility is the dataset of TestRowVisibility: two technicians with one intervention each
// and two client companies with one request each, all on one equipement, each intervention
// with a history line written by the admin.
type visibility struct {
	env                *apptest.Env
	admin, resp        *ent.User
	t1, t2, c1, c2     *ent.User
	eq                 *ent.Equipement
	iT1, iT2, iC1, iC2 *ent.Intervention
	allTitres          []string
}

func newVisibility(t *testing.T) *visibility {
	t.Helper()
	env := apptest.New(t)
	ctx, c := env.Sys, env.Client
	v := &visibility{env: env}
	v.admin = env.User(t, "Admin", domain.RoleAdmin)
	v.resp = env.User(t, "Resp", domain.RoleResponsable)
	v.t1 = env.User(t, "T1", domain.RoleTechnicien)
	v.t2 = env.User(t, "T2", domain.RoleTechnicien)
	v.c1 = env.User(t, "C1", domain.RoleClient)
	v.c2 = env.User(t, "C2", domain.RoleClient)
	tech1 := c.Technicien.Create().SetUser(v.t1).SaveX(ctx)
	tech2 := c.Technicien.Create().SetUser(v.t2).SaveX(ctx)
	soc1 := c.Societe.Create().SetNom("Société 1").SetCode("S1").AddUserIDs(v.c1.ID).SaveX(ctx)
	soc2 := c.Societe.Create().SetNom("Société 2").SetCode("S2").AddUsers(v.c2).SaveX(ctx)
	v.eq = c.Equipement.Create().SetNom("Compresseur").SetCode("EQ-C").SaveX(ctx)
	c.Planning.Create().SetTitre("Vidange").SetFrequence(domain.FrequenceMensuel).
		SetProchaineDate(time.Now().Add(24 * time.Hour)).SetEquipement(v.eq).SaveX(ctx)

	create := func(titre string) *ent.InterventionCreate {
		return c.Intervention.Create().SetTitre(titre).SetEquipement(v.eq)
	}
	v.iT1 = create("I-T1").SetTechnicien(tech1).SaveX(ctx)
	v.iT2 = create("I-T2").SetTechnicien(tech2).SaveX(ctx)
	v.iC1 = create("I-C1").SetClient(soc1).SetDemandeur(v.c1).SaveX(ctx)
	v.iC2 = create("I-C2").SetClientID(soc2.ID).SetDemandeur(v.c2).SaveX(ctx)
	for _, iv := range []*ent.Intervention{v.iT1, v.iT2, v.iC1, v.iC2} {
		c.HistoriqueIntervention.Create().SetIntervention(iv).SetUser(v.admin).
			SetNouveauStatut(domain.StatutOuverte).SetRemarque("création").SaveX(ctx)
	}
	v.allTitres = []string{"I-C1", "I-C2", "I-T1", "I-T2"}
	return v
}

// titresOf is the titles of an intervention connection, in order.
type titresOf struct {
	TotalCount int
	Edges      []struct{ Node struct{ Titre string } }
}

func (c titresOf) titres() []string {
	out := []string{}
	for _, e := range c.Edges {
		out = append(out, e.Node.Titre)
	}
	return out
}

func TestRowVisibility(t *testing.T) {
	v := newVisibility(t)
	env := v.env
	byTitre := map[string]any{"field": "TITRE", "direction": "ASC"}
	id := func(n int) string { return strconv.Itoa(n) }

	t.Run("InterventionsList", func(t *testing.T) {
		q := `query($o: [InterventionOrder!]) { interventions(orderBy: $o) { totalCount edges { node { titre } } } }`
		tests := []struct {
			name string
			as   *ent.User
			want []string
		}{
			{"ADMIN", v.admin, v.allTitres},
			{"RESPONSABLE", v.resp, v.allTitres},
			{"T1", v.t1, []string{"I-T1"}},
			{"T2", v.t2, []string{"I-T2"}},
			{"C1", v.c1, []string{"I-C1"}},
			{"C2", v.c2, []string{"I-C2"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var got struct{ Interventions titresOf }
				env.As(t, tt.as).MustData(q, map[string]any{"o": []any{byTitre}}, &got)
				if diff := cmp.Diff(tt.want, got.Interventions.titres()); diff != "" {
					t.Errorf("titres (-want +got):\n%s", diff)
				}
				if got.Interventions.TotalCount != len(tt.want) {
					t.Errorf("totalCount = %d, want %d", got.Interventions.TotalCount, len(tt.want))
				}
			})
		}
	})

	t.Run("Node", func(t *testing.T) {
		q := `query($id: ID!) { node(id: $id) { __typename id ... on Intervention { titre } ... on User { email } } }`
		tests := []struct {
			name   string
			as     *ent.User
			id     int
			wantOK bool
		}{
			{"T1/own intervention", v.t1, v.iT1.ID, true},
			{"T1/T2 intervention", v.t1, v.iT2.ID, false},
			{"T1/C1 intervention", v.t1, v.iC1.ID, false},
			{"C1/own intervention", v.c1, v.iC1.ID, true},
			{"C1/C2 intervention", v.c1, v.iC2.ID, false},
			{"C1/T1 intervention", v.c1, v.iT1.ID, false},
			{"T1/self", v.t1, v.t1.ID, true},
			{"T1/user C2", v.t1, v.c2.ID, false},
			{"T1/user T2", v.t1, v.t2.ID, false},
			{"T1/history author", v.t1, v.admin.ID, true},
			{"C1/user T1", v.c1, v.t1.ID, false},
			{"C1/user C2", v.c1, v.c2.ID, false},
			{"RESPONSABLE/user C2", v.resp, v.c2.ID, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := env.As(t, tt.as).Do(q, map[string]any{"id": id(tt.id)})
				var got struct {
					Node *struct {
						ID string
					}
				}
				if len(res.Data) > 0 {
					if err := json.Unmarshal(res.Data, &got); err != nil {
						t.Fatalf("decoding data: %v\n%s", err, res.Data)
					}
				}
				if tt.wantOK {
					if len(res.Errors) > 0 {
						t.Fatalf("unexpected errors: %+v", res.Errors)
					}
					if got.Node == nil || got.Node.ID != id(tt.id) {
						t.Errorf("node = %s, want node %d", res.Data, tt.id)
					}
					return
				}
				if len(res.Errors) == 0 {
					t.Fatalf("want NOT_FOUND, got data %s", res.Data)
				}
				if code := res.Errors[0].Code(); code != "NOT_FOUND" {
					t.Errorf("code = %q (%s), want NOT_FOUND", code, res.Errors[0].Message)
				}
				if got.Node != nil {
					t.Errorf("data.node = %+v, want null", got.Node)
				}
			})
		}
	})

	t.Run("EquipementInterventions", func(t *testing.T) {
		q := `query($o: [InterventionOrder!]) { equipements { edges { node { code
  interventions(first: 10, orderBy: $o) { totalCount edges { node { titre } } } } } } }`
		tests := []struct {
			name string
			as   *ent.User
			want []string
		}{
			{"ADMIN", v.admin, v.allTitres},
			{"T1", v.t1, []string{"I-T1"}},
			{"T2", v.t2, []string{"I-T2"}},
			{"C1", v.c1, []string{"I-C1"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var got struct {
					Equipements struct {
						Edges []struct {
							Node struct {
								Code          string
								Interventions titresOf
							}
						}
					}
				}
				env.As(t, tt.as).MustData(q, map[string]any{"o": []any{byTitre}}, &got)
				if len(got.Equipements.Edges) != 1 || got.Equipements.Edges[0].Node.Code != v.eq.Code {
					t.Fatalf("equipements = %+v, want only %s", got.Equipements, v.eq.Code)
				}
				ivs := got.Equipements.Edges[0].Node.Interventions
				if diff := cmp.Diff(tt.want, ivs.titres()); diff != "" {
					t.Errorf("nested titres (-want +got):\n%s", diff)
				}
				if ivs.TotalCount != len(tt.want) {
					t.Errorf("nested totalCount = %d, want %d", ivs.TotalCount, len(tt.want))
				}
			})
		}
	})

	t.Run("HistoryAuthor", func(t *testing.T) {
		q := `query($id: ID!) { node(id: $id) { ... on Intervention { titre historique { remarque user { email } } } } }`
		tests := []struct {
			name string
			as   *ent.User
			iv   *ent.Intervention
		}{
			{"C1", v.c1, v.iC1},
			{"T1", v.t1, v.iT1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				type line struct {
					Remarque string
					User     struct{ Email string }
				}
				var got struct {
					Node struct {
						Titre      string
						Historique []line
					}
				}
				env.As(t, tt.as).MustData(q, map[string]any{"id": id(tt.iv.ID)}, &got)
				want := []line{{Remarque: "création", User: struct{ Email string }{v.admin.Email}}}
				if got.Node.Titre != tt.iv.Titre {
					t.Errorf("titre = %q, want %q", got.Node.Titre, tt.iv.Titre)
				}
				if diff := cmp.Diff(want, got.Node.Historique); diff != "" {
					t.Errorf("historique (-want +got):\n%s", diff)
				}
			})
		}
	})

	t.Run("EquipementPlannings", func(t *testing.T) {
		q := `{ equipements { edges { node { code plannings { titre } } } } }`
		tests := []struct {
			name string
			as   *ent.User
			want []string
		}{
			{"ADMIN", v.admin, []string{"Vidange"}},
			{"RESPONSABLE", v.resp, []string{"Vidange"}},
			{"T1", v.t1, []string{}},
			{"C1", v.c1, []string{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var got struct {
					Equipements struct {
						Edges []struct {
							Node struct {
								Code      string
								Plannings []struct{ Titre string }
							}
						}
					}
				}
				env.As(t, tt.as).MustData(q, nil, &got)
				if len(got.Equipements.Edges) != 1 {
					t.Fatalf("equipements = %+v, want only %s", got.Equipements, v.eq.Code)
				}
				titres := []string{}
				for _, p := range got.Equipements.Edges[0].Node.Plannings {
					titres = append(titres, p.Titre)
				}
				if diff := cmp.Diff(tt.want, titres); diff != "" {
					t.Errorf("plannings (-want +got):\n%s", diff)
				}
			})
		}
	})

	t.Run("Notifications", func(t *testing.T) {
		ctx, c := env.Sys, env.Client
		for _, n := range []struct {
			to    *ent.User
			sujet string
		}{
			{v.admin, "pour admin"},
			{v.resp, "pour resp 1"},
			{v.resp, "pour resp 2"},
			{v.c1, "pour C1"},
		} {
			c.Notification.Create().SetType(domain.NotificationInformation).SetSujet(n.sujet).
				SetMessage("message").SetUserID(n.to.ID).SaveX(ctx)
		}
		q := `{ notifications { totalCount edges { node { sujet } } } }`
		tests := []struct {
			name string
			as   *ent.User
			want []string
		}{
			{"ADMIN", v.admin, []string{"pour C1", "pour admin", "pour resp 1", "pour resp 2"}},
			{"RESPONSABLE", v.resp, []string{"pour resp 1", "pour resp 2"}},
			{"C1", v.c1, []string{"pour C1"}},
			{"T1", v.t1, []string{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var got struct {
					Notifications struct {
						TotalCount int
						Edges      []struct{ Node struct{ Sujet string } }
					}
				}
				env.As(t, tt.as).MustData(q, nil, &got)
				sujets := []string{}
				for _, e := range got.Notifications.Edges {
					sujets = append(sujets, e.Node.Sujet)
				}
				slices.Sort(sujets)
				if diff := cmp.Diff(tt.want, sujets); diff != "" {
					t.Errorf("sujets (-want +got):\n%s", diff)
				}
				if got.Notifications.TotalCount != len(tt.want) {
					t.Errorf("totalCount = %d, want %d", got.Notifications.TotalCount, len(tt.want))
				}
			})
		}
	})
}
