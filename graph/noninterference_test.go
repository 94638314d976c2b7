package graph_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/graph"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
)

// marker is the text written into the rows a viewer may not read: no fixture row contains it
// before, so a filter that matches it can only have read a hidden row.
const marker = "zq"

// probe is one question a viewer may ask: a connection, reached from the root or nested
// under the nodes of a root connection, filtered by where.
type probe struct {
	root, nested string // nested "": the root connection itself
	where        string // a GraphQL input literal
	node         string // instead of the above: node(id: node)
}

// selection renders p under alias, asking for what a viewer learns from an answer: which rows,
// in which order, and how many.
func (p probe) selection(alias string) string {
	const page = "totalCount edges { node { id } }"
	switch {
	case p.node != "":
		return fmt.Sprintf("%s: node(id: %q) { id __typename }", alias, p.node)
	case p.nested == "":
		return fmt.Sprintf("%s: %s(first: 50, where: %s) { %s }", alias, p.root, p.where, page)
	}
	return fmt.Sprintf("%s: %s(first: 10) { edges { node { id %s(first: 10, where: %s) { %s } } } }",
		alias, p.root, p.nested, p.where, page)
}

// whereLiterals walks a where-input type of the schema and returns the questions it can ask of
// the marker: whether any text field contains it (one question: no row a viewer may read
// contains the marker, so an `or` of them hides no answer), whether each edge leads anywhere
// (both ways), and, through each edge, the questions of the entity at its end, depth edges
// deep.
func whereLiterals(s *ast.Schema, input string, depth int) []string {
	var texts, out []string
	for _, f := range s.Types[input].Fields {
		typ := f.Type.Name()
		switch {
		case strings.HasSuffix(f.Name, "ContainsFold") && typ == "String":
			texts = append(texts, fmt.Sprintf("{%s: %q}", f.Name, marker))
		case strings.HasPrefix(f.Name, "has") && typ == "Boolean":
			out = append(out, fmt.Sprintf("{%s: true}", f.Name), fmt.Sprintf("{%s: false}", f.Name))
		case strings.HasPrefix(f.Name, "has") && strings.HasSuffix(f.Name, "With") && depth > 0:
			for _, sub := range whereLiterals(s, typ, depth-1) {
				out = append(out, fmt.Sprintf("{%s: [%s]}", f.Name, sub))
			}
		}
	}
	if len(texts) > 0 {
		out = append(out, "{or: ["+strings.Join(texts, ", ")+"]}")
	}
	return out
}

// connectionWhere returns the where-input type of a field that is a filterable connection.
func connectionWhere(f *ast.FieldDefinition) (string, bool) {
	if !strings.HasSuffix(f.Type.Name(), "Connection") {
		return "", false
	}
	where := f.Arguments.ForName("where")
	if where == nil {
		return "", false
	}
	return where.Type.Name(), true
}

// allProbes is every filterable path of every connection of the schema: root connections
// filtered edgeDepth edges deep, and the connections nested under their nodes one edge deep.
func allProbes(s *ast.Schema, edgeDepth int) []probe {
	var out []probe
	for _, root := range s.Query.Fields {
		where, ok := connectionWhere(root)
		if !ok {
			continue
		}
		out = append(out, probe{root: root.Name, where: "{}"})
		for _, w := range whereLiterals(s, where, edgeDepth) {
			out = append(out, probe{root: root.Name, where: w})
		}
		node := s.Types[strings.TrimSuffix(root.Type.Name(), "Connection")]
		for _, f := range node.Fields {
			nestedWhere, ok := connectionWhere(f)
			if !ok {
				continue
			}
			for _, w := range append([]string{"{}"}, whereLiterals(s, nestedWhere, 1)...) {
				out = append(out, probe{root: root.Name, nested: f.Name, where: w})
			}
		}
	}
	return out
}

// cost is an upper bound of what the query limits charge for p (see README, Query limits),
// found by asking.
func (p probe) cost() int {
	switch {
	case p.node != "":
		return 3
	case p.nested == "":
		return 350
	default:
		return 800
	}
}

// ask sends the probes in batches (one alias each, within the query limits, and no more than
// the errors an answer shows, a probe failing with one) and returns, per probe, everything
// its answer says: its data and the codes and messages of its errors.
func ask(t *testing.T, c *gqltest.Client, probes []probe) []string {
	t.Helper()
	const maxAliases, maxCost = graph.MaxErrors, 19000
	answers := make([]string, len(probes))
	for start := 0; start < len(probes); {
		end, cost := start, 0
		for end < len(probes) && end-start < maxAliases && cost+probes[end].cost() <= maxCost {
			cost += probes[end].cost()
			end++
		}
		pending := make([]int, 0, end-start)
		for i := start; i < end; i++ {
			pending = append(pending, i)
		}
		for len(pending) > 0 {
			var doc strings.Builder
			doc.WriteString("{")
			for _, i := range pending {
				doc.WriteString(probes[i].selection(fmt.Sprintf("p%d", i)) + "\n")
			}
			doc.WriteString("}")
			res := c.Do(doc.String(), nil)
			var data map[string]json.RawMessage
			if len(res.Data) > 0 && string(res.Data) != "null" {
				if err := json.Unmarshal(res.Data, &data); err != nil {
					t.Fatalf("decoding data: %v", err)
				}
			}
			errs := map[string][]string{}
			for _, e := range res.Errors {
				key := ""
				if len(e.Path) > 0 {
					key = fmt.Sprint(e.Path[0])
				}
				errs[key] = append(errs[key], e.Code()+" "+e.Message)
			}
			if len(errs[""]) > 0 {
				t.Fatalf("probes %d to %d refused as a whole: %v", start, end-1, errs[""])
			}
			if data != nil || len(res.Errors) == 0 {
				for _, i := range pending {
					alias := fmt.Sprintf("p%d", i)
					answers[i] = string(data[alias]) + " " + strings.Join(errs[alias], "; ")
				}
				break
			}
			// A non-null root that failed (a root the role may not ask) nulls the whole
			// answer: the probes it hid would all answer the same, whatever they asked. The
			// failed ones answer their errors; the others are asked again without them.
			var rest []int
			for _, i := range pending {
				if e := errs[fmt.Sprintf("p%d", i)]; len(e) > 0 {
					answers[i] = " " + strings.Join(e, "; ")
				} else {
					rest = append(rest, i)
				}
			}
			if len(rest) == len(pending) {
				t.Fatalf("probes %d to %d: no data and no probe to blame: %v", start, end-1, res.Errors)
			}
			pending = rest
		}
		start = end
	}
	return answers
}

// nodeProbes asks node(id:) of every row of the fixture, the viewer's and the others'.
func (w *world) nodeProbes() []probe {
	ids := []int{w.admin.ID, w.responsable.ID, w.clientA.ID, w.techUserA.ID, w.clientB.ID, w.techUserB.ID,
		w.techA.ID, w.techB.ID, w.socA.ID, w.socB.ID, w.eqA.ID, w.eqB.ID, w.ivA.ID, w.ivB.ID, w.piece.ID,
		w.docB.ID, w.contratB.ID, w.notesAdmin.ID, w.notesResponsable.ID}
	out := make([]probe, len(ids))
	for i, id := range ids {
		out[i] = probe{node: strconv.Itoa(id)}
	}
	return out
}

// world is the fixture: company A, its client user, its technician, its equipment and
// intervention (what the viewers under test are about), and the same for company B.
type world struct {
	env                          *apptest.Env
	admin, responsable           *ent.User
	clientA, techUserA           *ent.User
	clientB, techUserB           *ent.User
	techA, techB                 *ent.Technicien
	socA, socB                   *ent.Societe
	eqA, eqB                     *ent.Equipement
	ivA, ivB                     *ent.Intervention
	piece                        *ent.Piece
	docB                         *ent.Document
	contratB                     *ent.Contrat
	notesAdmin, notesResponsable *ent.Notification
}

func newWorld(t *testing.T) *world {
	t.Helper()
	env := apptest.New(t)
	ctx, c := env.Sys, env.Client
	w := &world{env: env}
	w.admin = env.User(t, "Admin", domain.RoleAdmin)
	w.responsable = env.User(t, "Responsable", domain.RoleResponsable)
	w.clientA = env.User(t, "ClientA", domain.RoleClient)
	w.clientB = env.User(t, "ClientB", domain.RoleClient)
	w.techUserA = env.User(t, "TechA", domain.RoleTechnicien)
	w.techUserB = env.User(t, "TechB", domain.RoleTechnicien)
	w.techA = c.Technicien.Create().SetUser(w.techUserA).SetEquipe("Nord").SaveX(ctx)
	w.techB = c.Technicien.Create().SetUser(w.techUserB).SetEquipe("Sud").SaveX(ctx)
	w.socA = c.Societe.Create().SetNom("Alpha").SetCode("A").AddUsers(w.clientA).SaveX(ctx)
	w.socB = c.Societe.Create().SetNom("Beta").SetCode("B").AddUsers(w.clientB).SaveX(ctx)
	w.eqA = c.Equipement.Create().SetNom("Pompe").SetCode("EQ-A").SetClient(w.socA).SaveX(ctx)
	w.eqB = c.Equipement.Create().SetNom("Compresseur").SetCode("EQ-B").SetClient(w.socB).SaveX(ctx)
	c.Contrat.Create().SetReference("CT-A").SetDateDebut(time.Now()).SetClient(w.socA).SaveX(ctx)
	w.contratB = c.Contrat.Create().SetReference("CT-B").SetDateDebut(time.Now()).SetClient(w.socB).SaveX(ctx)
	c.Planning.Create().SetTitre("Graissage").SetFrequence(domain.FrequenceMensuel).
		SetProchaineDate(time.Now().Add(24 * time.Hour)).SetEquipement(w.eqA).SaveX(ctx)
	w.piece = c.Piece.Create().SetReference("P-1").SetDesignation("Joint").SaveX(ctx)
	c.Competence.Create().SetNom("Froid").SaveX(ctx)

	w.ivA = w.work(t, "Fuite", w.eqA, w.techA, w.socA, w.clientA, w.techUserA)
	w.ivB = w.work(t, "Vibration", w.eqB, w.techB, w.socB, w.clientB, w.techUserB)
	w.docB = w.ivB.QueryDocuments().OnlyX(ctx)
	for _, u := range []*ent.User{w.clientA, w.techUserA, w.clientB, w.techUserB} {
		w.notify(t, u, w.ivA, "Affectation")
	}
	w.notesAdmin = w.notify(t, w.admin, w.ivA, "Suivi")
	w.notesResponsable = w.notify(t, w.responsable, w.ivA, "Suivi")
	return w
}

// work creates an intervention with its history line, a document and a part used.
func (w *world) work(t *testing.T, titre string, eq *ent.Equipement, tech *ent.Technicien, soc *ent.Societe, demandeur, author *ent.User) *ent.Intervention {
	t.Helper()
	ctx, c := w.env.Sys, w.env.Client
	iv := c.Intervention.Create().SetTitre(titre).SetDescription(titre + " constatée").
		SetEquipement(eq).SetTechnicien(tech).SetClient(soc).SetDemandeur(demandeur).SaveX(ctx)
	c.HistoriqueIntervention.Create().SetIntervention(iv).SetUser(author).
		SetNouveauStatut(domain.StatutOuverte).SetRemarque("créée: " + titre).SaveX(ctx)
	c.Document.Create().SetIntervention(iv).SetUploadedBy(author).SetFilename(titre + ".pdf").
		SetPath("x/" + titre + ".pdf").SetMimeType("application/pdf").SetSize(10).SetSha256("00").SaveX(ctx)
	c.InterventionPiece.Create().SetIntervention(iv).SetPiece(w.piece).SetQuantite(1).
		SetPrixUnitaireCentimes(100).SaveX(ctx)
	return iv
}

func (w *world) notify(t *testing.T, u *ent.User, iv *ent.Intervention, sujet string) *ent.Notification {
	t.Helper()
	return w.env.Client.Notification.Create().SetUser(u).SetIntervention(iv).
		SetType(domain.NotificationInformation).SetCanal(domain.CanalLog).
		SetSujet(sujet).SetMessage(sujet + " de l'intervention").SaveX(w.env.Sys)
}

// Perturbations change only rows some viewers may not read, each writing the marker.
var (
	// othersNotifications: notifications are personal; no viewer under test reads those of
	// the admin or of company B's people, even about his own intervention.
	othersNotifications = func(t *testing.T, w *world) {
		ctx, c := w.env.Sys, w.env.Client
		for _, u := range []*ent.User{w.admin, w.clientB, w.techUserB} {
			w.notify(t, u, w.ivA, "Alerte "+marker)
		}
		c.Notification.UpdateOne(w.notesAdmin).SetMessage("lu " + marker).SetLu(true).ExecX(ctx)
	}
	// companyBWork: a new intervention of company B, by company B's technician, on company
	// A's equipment (which company A's client and every technician read), and every text
	// of company B's existing work.
	companyBWork = func(t *testing.T, w *world) {
		ctx, c := w.env.Sys, w.env.Client
		w.work(t, "Panne "+marker, w.eqA, w.techB, w.socB, w.clientB, w.techUserB)
		c.Intervention.UpdateOne(w.ivB).SetTitre("Vibration " + marker).SetDescription(marker).SetRapport(marker).ExecX(ctx)
		c.Document.UpdateOne(w.docB).SetFilename(marker + ".pdf").ExecX(ctx)
		c.HistoriqueIntervention.Create().SetIntervention(w.ivB).SetUser(w.techUserB).
			SetNouveauStatut(domain.StatutOuverte).SetRemarque(marker).SaveX(ctx)
		c.User.UpdateOne(w.clientB).SetNomComplet("Client " + marker).ExecX(ctx)
		c.User.UpdateOne(w.techUserB).SetNomComplet("Tech " + marker).ExecX(ctx)
		c.Technicien.UpdateOne(w.techB).SetEquipe(marker).ExecX(ctx)
		c.Societe.UpdateOne(w.socB).SetNom("Beta " + marker).SetAdresse(marker).ExecX(ctx)
		c.Contrat.UpdateOne(w.contratB).SetReference("CT-" + marker).ExecX(ctx)
	}
	// companyBContracts: company B's contracts (a new one, the terms, status and coverage of
	// the existing one), its accounts and its archiving, none of which company A's client or
	// a technician reads.
	companyBContracts = func(t *testing.T, w *world) {
		ctx, c := w.env.Sys, w.env.Client
		c.Contrat.UpdateOne(w.contratB).SetObjet(marker).SetSLAUrgenteHeures(1).SetStatut(domain.ContratSuspendu).
			AddEquipements(w.eqB).ExecX(ctx)
		c.Contrat.Create().SetReference("CT-B2-" + marker).SetObjet(marker).SetDateDebut(time.Now()).SetClient(w.socB).
			AddEquipements(w.eqB).SaveX(ctx)
		c.User.Create().SetEmail(marker + "@beta.example.com").SetNomComplet("Collègue " + marker).SetPasswordHash("x").
			SetRole(domain.RoleClient).SetClient(w.socB).SaveX(ctx)
		c.User.UpdateOne(w.clientB).ClearClient().ExecX(ctx)
		c.Societe.UpdateOne(w.socB).SetActif(false).ExecX(ctx)
	}
	// companyBEquipment: technicians read every equipement; a client only his company's.
	companyBEquipment = func(t *testing.T, w *world) {
		w.env.Client.Equipement.UpdateOne(w.eqB).SetNom("Compresseur " + marker).ExecX(w.env.Sys)
	}
)

// TestNonInterference asks, as each role, every question the where filters of every
// connection allow (generated from the schema), changes what that role may not read, and asks
// again: no answer may change. The same questions asked by ADMIN must see the change, or the
// questions would prove nothing.
func TestNonInterference(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	probes := allProbes(schema, 2)
	t.Logf("%d probes", len(probes))
	cases := []struct {
		role    domain.Role
		viewer  func(*testing.T, *world) *ent.User
		perturb []func(*testing.T, *world)
	}{
		{domain.RoleClient, func(_ *testing.T, w *world) *ent.User { return w.clientA },
			[]func(*testing.T, *world){othersNotifications, companyBWork, companyBContracts, companyBEquipment}},
		{domain.RoleTechnicien, func(_ *testing.T, w *world) *ent.User { return w.techUserA },
			[]func(*testing.T, *world){othersNotifications, companyBWork, companyBContracts}},
		{domain.RoleResponsable, func(_ *testing.T, w *world) *ent.User { return w.responsable },
			[]func(*testing.T, *world){othersNotifications}},
		{"RESPONSABLE of site A", scopedResponsable, []func(*testing.T, *world){othersNotifications, siteBWork}},
	}
	for _, tc := range cases {
		t.Run(string(tc.role), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			probes := append(w.nodeProbes(), probes...)
			as, admin := w.env.As(t, tc.viewer(t, w)), w.env.As(t, w.admin)
			before, adminBefore := ask(t, as, probes), ask(t, admin, probes)
			for _, p := range tc.perturb {
				p(t, w)
			}
			after := ask(t, as, probes)
			leaks := 0
			for i := range probes {
				if before[i] != after[i] {
					if leaks++; leaks <= 10 {
						t.Errorf("%s learns about rows he may not read through %+v:\nbefore: %s\nafter:  %s",
							tc.role, probes[i], before[i], after[i])
					}
				}
			}
			if leaks > 10 {
				t.Errorf("... and %d more probes", leaks-10)
			}
			if i := firstChanged(t, admin, probes, adminBefore); i < 0 {
				t.Fatalf("no probe shows ADMIN the change: the questions test nothing")
			} else {
				t.Logf("%+v shows ADMIN the change; no probe shows it to %s", probes[i], tc.role)
			}
		})
	}
}

// subscriptionProbe is a status subscription whose payload reaches, from the intervention
// that moved, the rows around it that a viewer may or may not read.
const subscriptionProbe = `subscription { interventionStatutChanged {
  interventionId
  intervention {
    titre
    technicien { equipe user { nomComplet } }
    client { nom }
    notifications { sujet message }
    documents { filename }
    equipement {
      nom
      interventions(where: {hasNotificationsWith: [{sujetContainsFold: "zq"}]}) { totalCount }
      all: interventions { totalCount edges { node { id titre } } }
    }
  }
} }`

// TestSubscriptionNonInterference: what a subscriber receives when an intervention he reads
// moves does not change when rows he may not read change, and the moves of interventions he
// may not read never reach him.
func TestSubscriptionNonInterference(t *testing.T) {
	cases := []struct {
		role    domain.Role
		viewer  func(*testing.T, *world) *ent.User
		perturb []func(*testing.T, *world)
	}{
		{domain.RoleClient, func(_ *testing.T, w *world) *ent.User { return w.clientA },
			[]func(*testing.T, *world){othersNotifications, companyBWork, companyBContracts, companyBEquipment}},
		{domain.RoleTechnicien, func(_ *testing.T, w *world) *ent.User { return w.techUserA },
			[]func(*testing.T, *world){othersNotifications, companyBWork, companyBContracts}},
		{domain.RoleResponsable, func(_ *testing.T, w *world) *ent.User { return w.responsable },
			[]func(*testing.T, *world){othersNotifications}},
		{"RESPONSABLE of site A", scopedResponsable, []func(*testing.T, *world){othersNotifications, siteBWork}},
	}
	for _, tc := range cases {
		t.Run(string(tc.role), func(t *testing.T) {
			w := newWorld(t)
			for _, iv := range []*ent.Intervention{w.ivA, w.ivB} {
				w.env.Client.Intervention.UpdateOne(iv).SetStatut(domain.StatutEnCours).ExecX(w.env.Sys)
			}
			ws, err := dialWS(t, w.env, w.env.Token(t, tc.viewer(t, w)), false)
			if err != nil {
				t.Fatal(err)
			}
			ws.subscribe("1", subscriptionProbe, nil)
			waitSubscribers(t, w.env, 1)
			admin := w.env.As(t, w.admin)
			// move changes the status of ivB, which the viewer may not read (except
			// RESPONSABLE), then of ivA, and returns the first payload received.
			move := func(s domain.InterventionStatut) json.RawMessage {
				t.Helper()
				for _, iv := range []*ent.Intervention{w.ivB, w.ivA} {
					admin.MustData(changeStatut, map[string]any{"id": strconv.Itoa(iv.ID), "s": string(s)}, &struct{}{})
				}
				return ws.next(5 * time.Second)
			}
			if tc.role == domain.RoleResponsable {
				move = func(s domain.InterventionStatut) json.RawMessage {
					t.Helper()
					admin.MustData(changeStatut, map[string]any{"id": strconv.Itoa(w.ivA.ID), "s": string(s)}, &struct{}{})
					return ws.next(5 * time.Second)
				}
			}
			before := move(domain.StatutEnAttente)
			for _, p := range tc.perturb {
				p(t, w)
			}
			after := move(domain.StatutEnCours)
			if !strings.Contains(string(before), `"interventionId":"`+strconv.Itoa(w.ivA.ID)+`"`) {
				t.Fatalf("first event is not about the viewer's intervention: %s", before)
			}
			t.Logf("payload: %s\nafter: %s", before, after)
			if string(before) != string(after) {
				t.Errorf("%s's payload changed with rows he may not read:\nbefore: %s\nafter:  %s", tc.role, before, after)
			}
		})
	}
}

// probesThrough are the probes, two hops deep, whose root, nested path or filter names word:
// the questions that reach one entity. The test fails when none does.
func probesThrough(t *testing.T, word string) []probe {
	t.Helper()
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	var out []probe
	for _, p := range allProbes(schema, 2) {
		if strings.Contains(p.root+p.nested+p.where, word) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no probe reaches %q", word)
	}
	t.Logf("%d probes", len(out))
	return out
}

// requireUnseen asks probes as viewer and as ADMIN, runs change (rows viewer may not read),
// and asks again: viewer must get every answer unchanged, and ADMIN at least one changed, or
// the questions would prove nothing. what names the rows in the failures.
func requireUnseen(t *testing.T, w *world, viewer *ent.User, probes []probe, what string, change func()) {
	t.Helper()
	as, admin := w.env.As(t, viewer), w.env.As(t, w.admin)
	before, adminBefore := ask(t, as, probes), ask(t, admin, probes)
	change()
	after := ask(t, as, probes)
	for i := range probes {
		if before[i] != after[i] {
			t.Errorf("%s learns about %s he may not read through %+v:\nbefore: %s\nafter:  %s",
				viewer.Role, what, probes[i], before[i], after[i])
		}
	}
	if firstChanged(t, admin, probes, adminBefore) < 0 {
		t.Fatalf("no probe shows ADMIN the change: the questions test nothing")
	}
}

// firstChanged asks the probes again, a batch at a time, and returns the index of the first
// whose answer differs from before, or -1 when none does: one is enough to show that the
// questions see the change, so the rest are not asked.
func firstChanged(t *testing.T, c *gqltest.Client, probes []probe, before []string) int {
	t.Helper()
	const batch = 4 * graph.MaxErrors
	for start := 0; start < len(probes); start += batch {
		end := min(start+batch, len(probes))
		for i, a := range ask(t, c, probes[start:end]) {
			if a != before[start+i] {
				return start + i
			}
		}
	}
	return -1
}
