package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
)

const (
	eqCreate = `mutation($in: CreateEquipementInput!) { createEquipement(input: $in) { id code parent { code } } }`
	eqUpdate = `mutation($id: ID!, $in: UpdateEquipementInput!) { updateEquipement(id: $id, input: $in) { id parent { code } } }`
	eqDelete = `mutation($id: ID!) { deleteEquipement(id: $id) }`
	eqTree   = `query($id: ID!) { node(id: $id) { ... on Equipement { code parent { code } enfants { code } } } }`
	eqUnder  = `query($id: ID!) {
  equipements(first: 50, where: {sousEquipement: $id}) { edges { node { code } } }
  interventions(first: 50, where: {sousEquipement: $id}) { edges { node { titre } } } }`
	eqOwn   = `query($id: ID!) { interventions(first: 50, where: {equipementID: $id}) { edges { node { titre } } } }`
	eqCosts = `query($from: Time!, $to: Time!, $where: InterventionWhereInput, $eq: EquipementWhereInput) {
  maintenanceStats(from: $from, to: $to, where: $where, equipements: $eq) { groups { interventions equipements coutPiecesCentimes } } }`
)

// parts is a line with a machine and the machine's motor, all of company A, each with one
// intervention: Ligne → Machine → Moteur.
type parts struct{ ligne, machine, moteur *ent.Equipement }

func (w *world) parts(t *testing.T) parts {
	t.Helper()
	staff := w.env.As(t, w.responsable)
	create := func(code, parent string) *ent.Equipement {
		in := map[string]any{"nom": code, "code": code, "clientID": strconv.Itoa(w.socA.ID)}
		if parent != "" {
			in["parentID"] = parent
		}
		var out struct{ CreateEquipement struct{ ID string } }
		staff.MustData(eqCreate, map[string]any{"in": in}, &out)
		id, _ := strconv.Atoi(out.CreateEquipement.ID)
		e := w.env.Client.Equipement.GetX(w.env.Sys, id)
		w.work(t, "Travaux "+code, e, w.techA, w.socA, w.clientA, w.techUserA)
		return e
	}
	var p parts
	p.ligne = create("LIGNE", "")
	p.machine = create("MACHINE", strconv.Itoa(p.ligne.ID))
	p.moteur = create("MOTEUR", strconv.Itoa(p.machine.ID))
	return p
}

// underEq is what the subtree filter gives c under equipement id: codes and titles, sorted.
func underEq(t *testing.T, c *gqltest.Client, id int) (codes, titres []string) {
	t.Helper()
	var out struct {
		Equipements, Interventions struct {
			Edges []struct{ Node struct{ Code, Titre string } }
		}
	}
	c.MustData(eqUnder, map[string]any{"id": strconv.Itoa(id)}, &out)
	for _, e := range out.Equipements.Edges {
		codes = append(codes, e.Node.Code)
	}
	for _, e := range out.Interventions.Edges {
		titres = append(titres, e.Node.Titre)
	}
	slices.Sort(codes)
	slices.Sort(titres)
	return codes, titres
}

func TestEquipementParts(t *testing.T) {
	w := newWorld(t)
	p := w.parts(t)
	staff := w.env.As(t, w.responsable)

	t.Run("Tree", func(t *testing.T) {
		var out struct {
			Node struct {
				Code    string
				Parent  *struct{ Code string }
				Enfants []struct{ Code string }
			}
		}
		staff.MustData(eqTree, map[string]any{"id": strconv.Itoa(p.machine.ID)}, &out)
		if out.Node.Parent == nil || out.Node.Parent.Code != "LIGNE" || len(out.Node.Enfants) != 1 || out.Node.Enfants[0].Code != "MOTEUR" {
			t.Errorf("machine %+v: want parent LIGNE and the part MOTEUR", out.Node)
		}
	})

	t.Run("Subtree", func(t *testing.T) {
		cases := []struct {
			name          string
			id            int
			codes, titres []string
		}{
			{"Ligne", p.ligne.ID, []string{"LIGNE", "MACHINE", "MOTEUR"}, []string{"Travaux LIGNE", "Travaux MACHINE", "Travaux MOTEUR"}},
			{"Machine", p.machine.ID, []string{"MACHINE", "MOTEUR"}, []string{"Travaux MACHINE", "Travaux MOTEUR"}},
			{"Leaf", p.moteur.ID, []string{"MOTEUR"}, []string{"Travaux MOTEUR"}},
			{"NoParts", w.eqB.ID, []string{"EQ-B"}, []string{"Vibration"}},
			{"Unknown", 999999999, nil, nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				codes, titres := underEq(t, staff, tc.id)
				if !slices.Equal(codes, tc.codes) || !slices.Equal(titres, tc.titres) {
					t.Errorf("under %s: %v %v, want %v %v", tc.name, codes, titres, tc.codes, tc.titres)
				}
			})
		}
		// equipementID keeps the equipment's own history only.
		var own struct {
			Interventions struct {
				Edges []struct{ Node struct{ Titre string } }
			}
		}
		staff.MustData(eqOwn, map[string]any{"id": strconv.Itoa(p.ligne.ID)}, &own)
		if len(own.Interventions.Edges) != 1 || own.Interventions.Edges[0].Node.Titre != "Travaux LIGNE" {
			t.Errorf("equipementID: %+v, want the line's own intervention", own.Interventions.Edges)
		}
	})

	t.Run("Costs", func(t *testing.T) {
		// Each intervention of the fixture uses one part at 100 centimes. The figures stop at
		// the server's clock, which stands still: it moves past the fixture's creation.
		now := time.Now().UTC().Add(time.Minute)
		w.env.Clock.Set(now)
		id := strconv.Itoa(p.ligne.ID)
		cases := []struct {
			name                string
			where, eq           map[string]any
			interventions, cout int
			equipements         int
		}{
			{"Own", map[string]any{"equipementID": id}, map[string]any{"idIn": []string{id}}, 1, 100, 1},
			{"WithParts", map[string]any{"sousEquipement": id}, map[string]any{"sousEquipement": id}, 3, 300, 3},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var out struct {
					MaintenanceStats struct {
						Groups []struct{ Interventions, Equipements, CoutPiecesCentimes int }
					}
				}
				staff.MustData(eqCosts, map[string]any{"from": now.Add(-24 * time.Hour).Format(time.RFC3339),
					"to": now.Add(24 * time.Hour).Format(time.RFC3339), "where": tc.where, "eq": tc.eq}, &out)
				g := out.MaintenanceStats.Groups
				if len(g) != 1 || g[0].Interventions != tc.interventions || g[0].CoutPiecesCentimes != tc.cout || g[0].Equipements != tc.equipements {
					t.Errorf("stats %+v, want %d interventions, %d equipment, %d centimes", g, tc.interventions, tc.equipements, tc.cout)
				}
			})
		}
	})

	t.Run("ErrCycle", func(t *testing.T) {
		for _, parent := range []*ent.Equipement{p.ligne, p.machine, p.moteur} {
			err := staff.MustFail(eqUpdate, map[string]any{"id": p.ligne.ID, "in": map[string]any{"parentID": parent.ID}})
			if err.Code() != string(domain.CodeBadUserInput) || !strings.Contains(err.Message, "LIGNE") {
				t.Errorf("putting the line under %s: %s %q, want BAD_USER_INPUT naming the line", parent.Code, err.Code(), err.Message)
			}
		}
		if got := w.env.Client.Equipement.GetX(w.env.Sys, p.ligne.ID); got.ParentID != nil {
			t.Errorf("a refused move was stored: parent %d", *got.ParentID)
		}
	})

	t.Run("ErrUnknownParent", func(t *testing.T) {
		for name, q := range map[string]struct {
			query string
			vars  map[string]any
		}{
			"Create": {eqCreate, map[string]any{"in": map[string]any{"nom": "X", "code": "X", "parentID": "999999999"}}},
			"Update": {eqUpdate, map[string]any{"id": p.moteur.ID, "in": map[string]any{"parentID": "999999999"}}},
		} {
			if err := staff.MustFail(q.query, q.vars); err.Code() != string(domain.CodeNotFound) {
				t.Errorf("%s: %s %q, want NOT_FOUND", name, err.Code(), err.Message)
			}
		}
	})

	t.Run("ErrDeleteWithParts", func(t *testing.T) {
		bare := w.env.Client.Equipement.Create().SetNom("Nu").SetCode("NU").SaveX(w.env.Sys)
		w.env.Client.Equipement.Create().SetNom("Pièce").SetCode("PIECE").SetParent(bare).SaveX(w.env.Sys)
		if err := staff.MustFail(eqDelete, map[string]any{"id": bare.ID}); err.Code() != string(domain.CodeConflict) {
			t.Errorf("deleting an equipement with parts: %s %q, want CONFLICT", err.Code(), err.Message)
		}
	})

	t.Run("Detach", func(t *testing.T) {
		var out struct {
			UpdateEquipement struct{ Parent *struct{ Code string } }
		}
		staff.MustData(eqUpdate, map[string]any{"id": p.machine.ID, "in": map[string]any{"clearParent": true}}, &out)
		if out.UpdateEquipement.Parent != nil {
			t.Fatalf("parent %+v after clearParent", out.UpdateEquipement.Parent)
		}
		if codes, _ := underEq(t, staff, p.ligne.ID); !slices.Equal(codes, []string{"LIGNE"}) {
			t.Errorf("under the line after detaching the machine: %v", codes)
		}
		staff.MustData(eqUpdate, map[string]any{"id": p.machine.ID, "in": map[string]any{"parentID": p.ligne.ID}}, &out)
	})
}

// TestEquipementPartsVisibility: a part of company B under company A's machine is not among
// what company A's client reads, nor is what hangs under it; company A's own parts are.
func TestEquipementPartsVisibility(t *testing.T) {
	w := newWorld(t)
	p := w.parts(t)
	ctx, c := w.env.Sys, w.env.Client
	partB := c.Equipement.Create().SetNom("Variateur").SetCode("VAR-B").SetClient(w.socB).SetParent(p.moteur).SaveX(ctx)
	under := c.Equipement.Create().SetNom("Carte").SetCode("CARTE-A").SetClient(w.socA).SetParent(partB).SaveX(ctx)
	w.work(t, "Travaux CARTE", under, w.techA, w.socA, w.clientA, w.techUserA)
	client := w.env.As(t, w.clientA)

	var out struct {
		Node struct {
			Parent  *struct{ Code string }
			Enfants []struct{ Code string }
		}
	}
	client.MustData(eqTree, map[string]any{"id": strconv.Itoa(p.moteur.ID)}, &out)
	if len(out.Node.Enfants) != 0 {
		t.Errorf("client A reads the parts %+v of his motor, want none (company B's)", out.Node.Enfants)
	}
	client.MustData(eqTree, map[string]any{"id": strconv.Itoa(under.ID)}, &out)
	if out.Node.Parent != nil {
		t.Errorf("client A reads the parent %+v of his card, want none (company B's)", out.Node.Parent)
	}
	codes, titres := underEq(t, client, p.ligne.ID)
	if want := []string{"LIGNE", "MACHINE", "MOTEUR"}; !slices.Equal(codes, want) {
		t.Errorf("client A under the line: %v, want %v", codes, want)
	}
	if slices.Contains(titres, "Travaux CARTE") {
		t.Errorf("client A's subtree crosses company B's part: %v", titres)
	}
	if codes, _ := underEq(t, w.env.As(t, w.responsable), p.ligne.ID); len(codes) != 5 {
		t.Errorf("staff under the line: %v, want the 5 equipment", codes)
	}
	if err := client.MustFail(eqTree, map[string]any{"id": strconv.Itoa(partB.ID)}); err.Code() != string(domain.CodeNotFound) {
		t.Errorf("client A reading company B's part: %s, want NOT_FOUND", err.Code())
	}
}

const (
	eqDocUpload = `mutation($e: ID!, $f: Upload!, $c: CategorieDocument!) { uploadDocumentEquipement(equipementId: $e, file: $f, categorie: $c) { id filename categorie url equipementID } }`
	eqDocs      = `query($e: ID!) { node(id: $e) { ... on Equipement { documents { id filename categorie url } } } }`
)

// upload sends query with the file as variable f, as u, in a GraphQL multipart request.
func upload(t *testing.T, w *world, u *ent.User, query string, vars map[string]any, filename string, content []byte) gqltest.Response {
	t.Helper()
	vars["f"] = nil
	ops, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("operations", string(ops))
	_ = mw.WriteField("map", `{"0":["variables.f"]}`)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="0"; filename=%q`, filename))
	h.Set("Content-Type", "application/octet-stream")
	part, _ := mw.CreatePart(h)
	_, _ = part.Write(content)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, w.env.URL+"/graphql", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+w.env.Token(t, u))
	req.Header.Set("Accept-Language", "en")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	raw, _ := io.ReadAll(res.Body)
	out := gqltest.Response{Status: res.StatusCode}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("decoding %d: %v\n%s", res.StatusCode, err, raw)
	}
	return out
}

// download GETs a document link and returns its status and body.
func download(t *testing.T, w *world, link string) (int, []byte) {
	t.Helper()
	res, err := http.Get(w.env.URL + link)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, body
}

type eqDoc struct{ ID, Filename, Categorie, URL string }

// eqDocuments are the files u reads on equipement e; nil when he does not read e.
func eqDocuments(t *testing.T, w *world, u *ent.User, e *ent.Equipement) []eqDoc {
	t.Helper()
	res := w.env.As(t, u).Do(eqDocs, map[string]any{"e": strconv.Itoa(e.ID)})
	switch code := firstCode(res.Errors); {
	case code == "NOT_FOUND":
		return nil
	case code != "":
		t.Fatalf("reading the documents: %+v", res.Errors)
	}
	var got struct{ Node struct{ Documents []eqDoc } }
	if err := json.Unmarshal(res.Data, &got); err != nil {
		t.Fatal(err)
	}
	return got.Node.Documents
}

// TestEquipementDocuments: staff and technicians attach manuals, photos and certificates to
// an equipement with the rules of every upload; whoever reads the equipement reads them and
// downloads them by their signed link; a client of another company neither.
func TestEquipementDocuments(t *testing.T) {
	w := newWorld(t)
	cases := []struct {
		name      string
		as        *ent.User
		eq        int
		filename  string
		content   []byte
		categorie string
		code      string // "": accepted
	}{
		{"StaffManual", w.responsable, w.eqA.ID, "notice.pdf", notPhoto, "MANUEL", ""},
		{"TechnicianPhoto", w.techUserB, w.eqA.ID, "plaque.png", photoPNG, "PHOTO", ""},
		{"LyingExtension", w.responsable, w.eqA.ID, "plaque.pdf", photoPNG, "PHOTO", "BAD_USER_INPUT"},
		{"NotAccepted", w.responsable, w.eqA.ID, "notes.txt", []byte("du texte, pas un fichier accepté"), "AUTRE", "BAD_USER_INPUT"},
		{"Client", w.clientA, w.eqA.ID, "ma.pdf", notPhoto, "AUTRE", "FORBIDDEN"},
		{"UnknownEquipement", w.responsable, 999999999, "notice.pdf", notPhoto, "MANUEL", "NOT_FOUND"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := w.env.Client.Document.Query().CountX(w.env.Sys)
			res := upload(t, w, tc.as, eqDocUpload, map[string]any{"e": strconv.Itoa(tc.eq), "c": tc.categorie}, tc.filename, tc.content)
			after := w.env.Client.Document.Query().CountX(w.env.Sys)
			if code := firstCode(res.Errors); code != tc.code {
				t.Fatalf("got %s %+v, want %q", res.Data, res.Errors, tc.code)
			}
			if tc.code != "" {
				if after != before {
					t.Errorf("a refused file was stored")
				}
				return
			}
			var got struct {
				UploadDocumentEquipement struct{ Filename, Categorie, URL, EquipementID string }
			}
			if err := json.Unmarshal(res.Data, &got); err != nil {
				t.Fatal(err)
			}
			if d := got.UploadDocumentEquipement; d.Filename != tc.filename || d.Categorie != tc.categorie || d.EquipementID != strconv.Itoa(tc.eq) || d.URL == "" {
				t.Errorf("document %+v", d)
			}
		})
	}

	want := map[string][]byte{"notice.pdf": notPhoto, "plaque.png": photoPNG}
	for _, u := range []*ent.User{w.clientA, w.techUserA, w.admin} {
		docs := eqDocuments(t, w, u, w.eqA)
		var names []string
		for _, d := range docs {
			names = append(names, d.Filename+":"+d.Categorie)
			status, body := download(t, w, d.URL)
			if status != http.StatusOK || !bytes.Equal(body, want[d.Filename]) {
				t.Errorf("%s downloading %s: %d, %d bytes, want 200 and the file", u.NomComplet, d.Filename, status, len(body))
			}
		}
		if diff := cmp.Diff([]string{"notice.pdf:MANUEL", "plaque.png:PHOTO"}, names); diff != "" {
			t.Errorf("%s reads the equipment's documents (-want +got):\n%s", u.NomComplet, diff)
		}
	}

	t.Run("OtherCompany", func(t *testing.T) {
		if docs := eqDocuments(t, w, w.clientB, w.eqA); docs != nil {
			t.Errorf("client B reads company A's equipment files: %+v", docs)
		}
		doc := eqDocuments(t, w, w.admin, w.eqA)[0]
		if err := w.env.As(t, w.clientB).MustFail(`query($id: ID!) { node(id: $id) { ... on Document { url } } }`, map[string]any{"id": doc.ID}); err.Code() != string(domain.CodeNotFound) {
			t.Errorf("client B asking for the link of company A's file: %s, want NOT_FOUND", err.Code())
		}
		// Without the signature the API gives to those who read it, the file is not served.
		unsigned, _, _ := strings.Cut(doc.URL, "?")
		if status, _ := download(t, w, unsigned); status != http.StatusForbidden {
			t.Errorf("unsigned link: %d, want 403", status)
		}
		signed, sig, _ := strings.Cut(doc.URL, "&sig=")
		if status, _ := download(t, w, signed+"&sig="+strings.Repeat("0", len(sig))); status != http.StatusForbidden {
			t.Errorf("link with a forged signature: %d, want 403", status)
		}
	})

	t.Run("ErrDeleteEquipementWithDocuments", func(t *testing.T) {
		err := w.env.As(t, w.responsable).MustFail(eqDelete, map[string]any{"id": w.eqA.ID})
		if err.Code() != string(domain.CodeConflict) {
			t.Errorf("deleting an equipement with files: %s, want CONFLICT", err.Code())
		}
	})
}
