package report_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/mifmaroc/erp/ent"
	entequipement "github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/etiquette"
	"github.com/mifmaroc/erp/internal/etiquette/etiquettetest"
)

const urlTemplate = "https://erp.mif-maroc.ma/equipements/{code}?source=qr"

// places is a site with a building and a zone in it, and another site: w.eq (CMP-01, the
// client's) sits in the zone, TRB-03 (the client's) in the building, PMP-02 (another
// company's) in the zone too, and FOUR-09 on the other site.
type places struct {
	site, batiment, zone, ailleurs *ent.Emplacement
	eq2                            *ent.Equipement
}

func newPlacesWorld(t *testing.T) (*world, places) {
	t.Helper()
	w := newWorld(t, func(c *config.Config) { c.EquipementURLTemplate = urlTemplate })
	ctx, c := w.env.Sys, w.env.Client
	var p places
	p.site = c.Emplacement.Create().SetNom("Usine de Fès").SetCode("FES").SetType("SITE").SaveX(ctx)
	p.batiment = c.Emplacement.Create().SetNom("Bâtiment B").SetType("BATIMENT").SetParent(p.site).SaveX(ctx)
	p.zone = c.Emplacement.Create().SetNom("Atelier mécanique").SetType("ZONE").SetParent(p.batiment).SaveX(ctx)
	p.ailleurs = c.Emplacement.Create().SetNom("Dépôt de Meknès").SetType("SITE").SaveX(ctx)
	c.Equipement.UpdateOne(w.eq).SetEmplacement(p.zone).ExecX(ctx)
	p.eq2 = c.Equipement.Query().Where(entequipement.Code("PMP-02")).OnlyX(ctx)
	c.Equipement.UpdateOne(p.eq2).SetEmplacement(p.zone).ExecX(ctx)
	c.Equipement.Create().SetNom("Tour à commande numérique").SetCode("TRB-03").SetClient(w.s1).SetEmplacement(p.batiment).SaveX(ctx)
	c.Equipement.Create().SetNom("Four de traitement").SetCode("FOUR-09").SetClient(w.s1).SetEmplacement(p.ailleurs).SaveX(ctx)
	return w, p
}

// decode reads the QR code of a PNG image back, as a phone's camera would.
func qrPath(id int, format string) string {
	return "/equipements/" + strconv.Itoa(id) + "/qrcode." + format
}

const qrLinks = `query($id: ID!, $e: ID!) {
  png: qrCodeLink(equipementId: $id) svg: qrCodeLink(equipementId: $id, format: SVG) etiquettesLink(emplacementId: $e)
}`

func TestQRCode(t *testing.T) {
	w, p := newPlacesWorld(t)
	const want = "https://erp.mif-maroc.ma/equipements/CMP-01?source=qr"
	admin, client, other := w.env.Token(t, w.admin), w.env.Token(t, w.client), w.env.Token(t, w.other)

	t.Run("PNGCarriesTheURL", func(t *testing.T) {
		for _, token := range []string{admin, client} {
			status, h, body := w.fetch(t, qrPath(w.eq.ID, "png"), token)
			if status != http.StatusOK || h.Get("Content-Type") != "image/png" {
				t.Fatalf("status %d, type %q: %s", status, h.Get("Content-Type"), body)
			}
			if got := etiquettetest.Decode(t, body); got != want {
				t.Errorf("the QR code carries %q, want %q", got, want)
			}
		}
	})
	t.Run("SVGSameModules", func(t *testing.T) {
		status, h, body := w.fetch(t, qrPath(w.eq.ID, "svg"), client)
		wantSVG, err := etiquette.SVG(want)
		if err != nil {
			t.Fatal(err)
		}
		if status != http.StatusOK || h.Get("Content-Type") != "image/svg+xml" || !bytes.Equal(body, wantSVG) {
			t.Errorf("status %d, type %q; the SVG differs from the code of %s:\n%s", status, h.Get("Content-Type"), want, body)
		}
	})
	t.Run("HiddenEquipement", func(t *testing.T) {
		for _, f := range []string{"png", "svg"} {
			if status, _, body := w.fetch(t, qrPath(w.eq.ID, f), other); status != http.StatusNotFound {
				t.Errorf("another company's client got %s with status %d, want 404: %.200s", f, status, body)
			}
		}
		err := w.env.As(t, w.other).MustFail(`query($id: ID!) { qrCodeLink(equipementId: $id) }`, map[string]any{"id": w.eq.ID})
		if err.Code() != "NOT_FOUND" {
			t.Errorf("qrCodeLink of a hidden equipement: %s, want NOT_FOUND", err.Code())
		}
	})
	t.Run("NoToken", func(t *testing.T) {
		if status, _, _ := w.fetch(t, qrPath(w.eq.ID, "png"), ""); status != http.StatusUnauthorized {
			t.Errorf("status %d without a token, want 401", status)
		}
	})
	t.Run("SignedLinks", func(t *testing.T) {
		var links struct{ PNG, SVG, EtiquettesLink string }
		w.env.As(t, w.client).MustData(qrLinks, map[string]any{"id": w.eq.ID, "e": p.site.ID}, &links)
		status, _, body := w.fetch(t, links.PNG, "")
		if status != http.StatusOK || etiquettetest.Decode(t, body) != want {
			t.Errorf("the signed PNG link: status %d", status)
		}
		if status, h, _ := w.fetch(t, links.SVG, ""); status != http.StatusOK || h.Get("Content-Type") != "image/svg+xml" {
			t.Errorf("the signed SVG link: status %d", status)
		}
		if got := w.pdfText(t, links.EtiquettesLink, ""); !strings.Contains(got, "CMP-01") || strings.Contains(got, "PMP-02") {
			t.Errorf("the signed labels are not the client's:\n%s", got)
		}
		other := strings.Replace(links.PNG, "/"+strconv.Itoa(w.eq.ID)+"/", "/"+strconv.Itoa(p.eq2.ID)+"/", 1)
		if status, _, _ := w.fetch(t, other, ""); other == links.PNG || status != http.StatusForbidden {
			t.Errorf("a link moved to another equipement: status %d, want 403", status)
		}
	})
}

func TestEtiquettes(t *testing.T) {
	w, p := newPlacesWorld(t)
	tests := []struct {
		name      string
		user      *ent.User
		place     *ent.Emplacement
		want, not []string
	}{
		{"Site", w.admin, p.site, []string{"CMP-01", "PMP-02", "TRB-03", "vis « Atlas »", "Atelier mécanique", "Usine de Fès (FES)"}, []string{"FOUR-09"}},
		{"Zone", w.admin, p.zone, []string{"CMP-01", "PMP-02"}, []string{"TRB-03", "FOUR-09"}},
		{"ClientSeesHisOwn", w.client, p.site, []string{"CMP-01", "TRB-03"}, []string{"PMP-02", "Pompe de relevage", "FOUR-09"}},
		{"OtherSite", w.admin, p.ailleurs, []string{"FOUR-09"}, []string{"CMP-01", "PMP-02", "TRB-03"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := w.pdfText(t, "/reports/etiquettes.pdf?emplacement="+strconv.Itoa(tt.place.ID), w.env.Token(t, tt.user))
			for _, s := range tt.want {
				if !strings.Contains(got, s) {
					t.Errorf("the labels lack %q:\n%s", s, got)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(got, s) {
					t.Errorf("the labels show %q:\n%s", s, got)
				}
			}
		})
	}
	t.Run("HiddenPlace", func(t *testing.T) {
		// The other site holds none of the other client's equipment: he may not read it.
		path := "/reports/etiquettes.pdf?emplacement=" + strconv.Itoa(p.ailleurs.ID)
		if status, _, body := w.fetch(t, path, w.env.Token(t, w.other)); status != http.StatusNotFound {
			t.Errorf("status %d, want 404: %.200s", status, body)
		}
	})
	t.Run("BadPlace", func(t *testing.T) {
		if status, _, body := w.fetch(t, "/reports/etiquettes.pdf?emplacement=x", w.env.Token(t, w.admin)); status != http.StatusBadRequest {
			t.Errorf("status %d, want 400: %.200s", status, body)
		}
	})
}

// TestEtiquettesNonInterference: changing the equipment of another company, under the
// client's places or not, changes none of his QR codes, labels or lookups.
func TestEtiquettesNonInterference(t *testing.T) {
	w, p := newPlacesWorld(t)
	client, admin := w.env.Token(t, w.client), w.env.Token(t, w.admin)
	paths := []string{"/reports/etiquettes.pdf?emplacement=" + strconv.Itoa(p.site.ID), qrPath(w.eq.ID, "svg")}
	const lookup = `{ a: equipementParCode(code: "CMP-01") { id code nom } b: equipementParCode(code: "PMP-02") { id nom } c: equipementParCode(code: "PMP-99") { id } }`
	read := func(token string) []string {
		var out []string
		for _, path := range paths {
			_, _, body := w.fetch(t, path, token)
			if strings.HasSuffix(strings.SplitN(path, "?", 2)[0], ".pdf") {
				body = []byte(text(t, body))
			}
			out = append(out, string(body))
		}
		var data any
		w.env.GraphQL(t, token).MustData(lookup, nil, &data)
		b, err := json.Marshal(data)
		if err != nil {
			t.Fatal(err)
		}
		return append(out, string(b))
	}
	before, adminBefore := read(client), read(admin)
	ctx, c := w.env.Sys, w.env.Client
	c.Equipement.UpdateOne(p.eq2).SetCode("PMP-99").SetNom("Pompe renommée").ExecX(ctx)
	c.Equipement.Create().SetNom("Pompe neuve").SetCode("PMP-02").SetClient(p.eq2.QueryClient().OnlyX(ctx)).SetEmplacement(p.batiment).SaveX(ctx)
	after, adminAfter := read(client), read(admin)
	changed := 0
	for i := range before {
		if before[i] != after[i] {
			t.Errorf("the client learns of another company's equipment:\nbefore: %s\nafter:  %s", before[i], after[i])
		}
		if adminBefore[i] != adminAfter[i] {
			changed++
		}
	}
	if changed == 0 {
		t.Fatal("no answer shows ADMIN the change: the questions test nothing")
	}
}

func TestEquipementParCode(t *testing.T) {
	w, _ := newPlacesWorld(t)
	const q = `query($c: String!) { equipementParCode(code: $c) { code nom } }`
	tests := []struct {
		name, code string
		user       *ent.User
		want       string // the nom found; "" for null
	}{
		{"Own", "CMP-01", w.client, "Compresseur à vis « Atlas »"},
		{"OtherCompanys", "PMP-02", w.client, ""},
		{"Unknown", "XXX-00", w.client, ""},
		{"CaseMatters", "cmp-01", w.admin, ""},
		{"Staff", "PMP-02", w.admin, "Pompe de relevage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got struct {
				EquipementParCode *struct{ Code, Nom string }
			}
			w.env.As(t, tt.user).MustData(q, map[string]any{"c": tt.code}, &got)
			switch {
			case tt.want == "" && got.EquipementParCode != nil:
				t.Errorf("found %+v, want null", got.EquipementParCode)
			case tt.want != "" && (got.EquipementParCode == nil || got.EquipementParCode.Nom != tt.want):
				t.Errorf("found %+v, want %q", got.EquipementParCode, tt.want)
			}
		})
	}
	t.Run("ErrEmptyCode", func(t *testing.T) {
		if err := w.env.As(t, w.admin).MustFail(q, map[string]any{"c": " "}); err.Code() != "BAD_USER_INPUT" {
			t.Errorf("code %s, want BAD_USER_INPUT", err.Code())
		}
	})
}
