package graph_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/gqltest"
)

// TestEquipementPartsNonInterference is TestNonInterference for the parts of equipment (the
// questions that reach parent and enfants, the subtree filter from every equipement, and
// each of company A's equipment read with its parent and parts): moving, renaming and adding
// company B's parts, even under company A's machines, changes nothing company A's client
// gets, including the history of his whole line.
func TestEquipementPartsNonInterference(t *testing.T) {
	probes := append(probesThrough(t, "nfant"), probesThrough(t, "arent")...)
	w := newWorld(t)
	p := w.parts(t)
	ctx, c := w.env.Sys, w.env.Client
	partB := c.Equipement.Create().SetNom("Variateur").SetCode("VAR-B").SetClient(w.socB).SetParent(p.moteur).SaveX(ctx)
	carte := c.Equipement.Create().SetNom("Carte").SetCode("CARTE-A").SetClient(w.socA).SetParent(partB).SaveX(ctx)
	w.work(t, "Travaux CARTE", carte, w.techA, w.socA, w.clientA, w.techUserA)
	own := []*ent.Equipement{w.eqA, p.ligne, p.machine, p.moteur, carte}
	for _, e := range append(own, w.eqB, partB) {
		for _, root := range []string{"equipements", "interventions"} {
			probes = append(probes, probe{root: root, where: fmt.Sprintf("{sousEquipement: %q}", strconv.Itoa(e.ID))})
		}
	}
	client := w.env.As(t, w.clientA)
	probes = answerable(t, client, probes)
	trees := func() []string {
		out := make([]string, len(own))
		for i, e := range own {
			out[i] = string(client.Do(eqTree, map[string]any{"id": strconv.Itoa(e.ID)}).Data)
		}
		return out
	}
	before := trees()
	requireUnseen(t, w, w.clientA, probes, "company B's parts", func() {
		c.Equipement.UpdateOne(partB).SetNom("Variateur " + marker).ClearParent().ExecX(ctx)
		c.Equipement.UpdateOne(w.eqB).SetParent(p.machine).ExecX(ctx)
		c.Equipement.Create().SetNom("Armoire " + marker).SetCode("ARM-" + marker).SetClient(w.socB).SetParent(p.ligne).SaveX(ctx)
	})
	for i, got := range trees() {
		if got != before[i] {
			t.Errorf("client A reading %s learns about company B's parts:\nbefore: %s\nafter:  %s", own[i].Code, before[i], got)
		}
	}
}

// TestEquipementDocumentsNonInterference: files of company B's equipment, added, renamed or
// recategorized, change nothing company A's client gets through the questions that reach
// documents.
func TestEquipementDocumentsNonInterference(t *testing.T) {
	probes := probesThrough(t, "ocument")
	w := newWorld(t)
	ctx, c := w.env.Sys, w.env.Client
	manual := c.Document.Create().SetEquipement(w.eqB).SetCategorie("MANUEL").SetUploadedBy(w.responsable).
		SetFilename("notice.pdf").SetPath("eq/notice.pdf").SetMimeType("application/pdf").SetSize(10).SetSha256("00").SaveX(ctx)
	probes = append(answerable(t, w.env.As(t, w.clientA), probes), probe{node: strconv.Itoa(manual.ID)})
	requireUnseen(t, w, w.clientA, probes, "company B's equipment files", func() {
		c.Document.UpdateOne(manual).SetFilename(marker + ".pdf").SetCategorie("CERTIFICAT").ExecX(ctx)
		c.Document.Create().SetEquipement(w.eqB).SetCategorie("PHOTO").SetUploadedBy(w.responsable).
			SetFilename(marker + ".png").SetPath("eq/" + marker + ".png").SetMimeType("image/png").SetSize(10).SetSha256("00").SaveX(ctx)
	})
}

// answerable keeps the probes whose root connection c may ask at all: a root refused by its
// role gate is a non-null field in error, which empties the data of the whole batch its
// probe is asked in, and would hide the answers of the others.
func answerable(t *testing.T, c *gqltest.Client, probes []probe) []probe {
	t.Helper()
	refused := map[string]bool{}
	var out []probe
	for _, p := range probes {
		if p.root == "" {
			out = append(out, p)
			continue
		}
		r, ok := refused[p.root]
		if !ok {
			r = firstCode(c.Do(fmt.Sprintf("{ %s(first: 1) { totalCount } }", p.root), nil).Errors) == "FORBIDDEN"
			refused[p.root] = r
		}
		if !r {
			out = append(out, p)
		}
	}
	return out
}
