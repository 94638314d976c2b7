package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/domain"
)

// fixture is two client companies, each with a client user, an equipment and interventions,
// a technician, staff, and a part with its ledger.
type fixture struct {
	env                  *apptest.Env
	admin, tech, clientA *ent.User
	socA, socB           *ent.Societe
	eqA, eqB             *ent.Equipement
	technicien           *ent.Technicien
	piece                *ent.Piece
	prevue               time.Time
	ivA                  []*ent.Intervention
	ivB                  *ent.Intervention
}

func newFixture(t *testing.T, configure ...func(*config.Config)) *fixture {
	t.Helper()
	env := apptest.New(t, configure...)
	ctx, c := env.Sys, env.Client
	f := &fixture{env: env}
	f.admin = env.User(t, "Admin", domain.RoleAdmin)
	f.tech = env.User(t, "Tech", domain.RoleTechnicien)
	f.clientA = env.User(t, "ClientA", domain.RoleClient)
	f.technicien = c.Technicien.Create().SetUser(f.tech).SetEquipe("Nord").SaveX(ctx)
	f.socA = c.Societe.Create().SetNom("Alpha").SetCode("A").AddUsers(f.clientA).SaveX(ctx)
	f.socB = c.Societe.Create().SetNom("Beta").SetCode("B").SaveX(ctx)
	f.eqA = c.Equipement.Create().SetNom("Pompe").SetCode("EQ-A").SetClient(f.socA).SaveX(ctx)
	f.eqB = c.Equipement.Create().SetNom("Compresseur").SetCode("EQ-B").SetClient(f.socB).SaveX(ctx)
	f.prevue = time.Date(2026, 3, 10, 8, 30, 0, 0, time.UTC)
	created := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
	for _, titre := range []string{"Fuite", "Bruit", "Graissage"} {
		f.ivA = append(f.ivA, c.Intervention.Create().SetTitre(titre).SetEquipement(f.eqA).SetClient(f.socA).
			SetTechnicien(f.technicien).SetDatePrevue(f.prevue).SetDureeEstimee(90).SetDateCreation(created).SaveX(ctx))
	}
	f.ivB = c.Intervention.Create().SetTitre("Vibration").SetEquipement(f.eqB).SetClient(f.socB).
		SetPriorite(domain.PrioriteUrgente).SetDateCreation(created).SaveX(ctx)
	f.piece = c.Piece.Create().SetReference("P-1").SetDesignation("Joint, torique").SaveX(ctx)
	c.MouvementStock.Create().SetType(domain.MouvementEntree).SetPiece(f.piece).SetQuantite(10).SetQuantiteApres(10).
		SetCoutUnitaireCentimes(1234).SetMotif("livraison").SetUser(f.admin).SaveX(ctx)
	c.MouvementStock.Create().SetType(domain.MouvementSortie).SetPiece(f.piece).SetQuantite(-2).SetQuantiteApres(8).
		SetCoutUnitaireCentimes(1234).SetIntervention(f.ivA[0]).SetUser(f.tech).SaveX(ctx)
	return f
}

// answer is what a GET returned.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func get(t *testing.T, rawURL, token string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := apptest.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{res.StatusCode, res.Header, body}
}

// export GETs /export/<file> with the parameters as token's user.
func (f *fixture) export(t *testing.T, token, file string, params url.Values) answer {
	t.Helper()
	return get(t, f.env.URL+"/export/"+file+"?"+params.Encode(), token)
}

// records reads a CSV answer: it must start with the BOM.
func records(t *testing.T, a answer, sep rune) [][]string {
	t.Helper()
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	if !bytes.HasPrefix(a.body, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("no UTF-8 BOM at the start of %q", a.body[:min(len(a.body), 20)])
	}
	r := csv.NewReader(bytes.NewReader(a.body[3:]))
	r.Comma = sep
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("reading the CSV: %v\n%s", err, a.body)
	}
	return recs
}

// column returns the values of the column named header, header excluded.
func column(t *testing.T, recs [][]string, header string) []string {
	t.Helper()
	for i, h := range recs[0] {
		if h == header {
			var out []string
			for _, r := range recs[1:] {
				out = append(out, r[i])
			}
			return out
		}
	}
	t.Fatalf("no column %q in %q", header, recs[0])
	return nil
}

func TestInterventionsCSV(t *testing.T) {
	f := newFixture(t)
	admin := f.env.Token(t, f.admin)

	t.Run("OK", func(t *testing.T) {
		a := f.export(t, admin, "interventions.csv", nil)
		if ct := a.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		if cd := a.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=interventions-") || !strings.HasSuffix(cd, ".csv") {
			t.Errorf("Content-Disposition %q", cd)
		}
		recs := records(t, a, ',')
		want := []string{"N°", "Titre", "Type", "Statut", "Priorité", "Urgence", "Code équipement", "Équipement", "Client", "Technicien",
			"Créée le", "Prévue le", "Date limite", "Affectée le", "Débutée le", "Terminée le", "Clôturée le",
			"Durée estimée (min)", "Arrêt équipement", "Validée par le client", "Satisfaction (1 à 5)"}
		if diff := cmp.Diff(want, recs[0]); diff != "" {
			t.Errorf("header (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"Fuite", "Bruit", "Graissage", "Vibration"}, column(t, recs, "Titre")); diff != "" {
			t.Errorf("titles (-want +got):\n%s", diff)
		}
		first := recs[1]
		local := f.env.Deps.Config.Zone.In(f.prevue).Format("2006-01-02 15:04")
		for h, v := range map[string]string{"Équipement": "Pompe", "Client": "Alpha", "Technicien": "Tech", "Prévue le": local,
			"Durée estimée (min)": "90", "Urgence": "non", "Statut": "OUVERTE", "Clôturée le": ""} {
			if got := column(t, recs, h)[0]; got != v {
				t.Errorf("%s of the first row: %q, want %q (row %q)", h, got, v, first)
			}
		}
		if a.header.Get("X-Export-Rows") != "4" {
			t.Errorf("X-Export-Rows %q, want 4", a.header.Get("X-Export-Rows"))
		}
	})

	t.Run("Semicolon", func(t *testing.T) {
		recs := records(t, f.export(t, admin, "interventions.csv", url.Values{"sep": {";"}}), ';')
		if len(recs) != 5 || len(recs[0]) != 21 {
			t.Errorf("got %d records of %d fields, want 5 of 21", len(recs), len(recs[0]))
		}
	})

	t.Run("Where", func(t *testing.T) {
		where := `{"prioriteIn":["URGENTE"],"or":[{"titreContainsFold":"vib"},{"hasClientWith":[{"nom":"Beta"}]}]}`
		recs := records(t, f.export(t, admin, "interventions.csv", url.Values{"where": {where}}), ',')
		if diff := cmp.Diff([]string{"Vibration"}, column(t, recs, "Titre")); diff != "" {
			t.Errorf("filtered titles (-want +got):\n%s", diff)
		}
	})

	// Several pages, in the order asked: every row once, in order.
	t.Run("OrderAcrossPages", func(t *testing.T) {
		f.env.Deps.Exports.PageSize = 1
		t.Cleanup(func() { f.env.Deps.Exports.PageSize = 0 })
		recs := records(t, f.export(t, admin, "interventions.csv", url.Values{"orderBy": {`[{"direction":"DESC","field":"TITRE"}]`}}), ',')
		if diff := cmp.Diff([]string{"Vibration", "Graissage", "Fuite", "Bruit"}, column(t, recs, "Titre")); diff != "" {
			t.Errorf("titles (-want +got):\n%s", diff)
		}
	})

	t.Run("Errors", func(t *testing.T) {
		for _, tc := range []struct {
			name, token, file string
			params            url.Values
			status            int
			code, mention     string
		}{
			{"NoToken", "", "interventions.csv", nil, http.StatusUnauthorized, "UNAUTHENTICATED", "Bearer"},
			{"BadToken", "x.y.z", "interventions.csv", nil, http.StatusUnauthorized, "UNAUTHENTICATED", ""},
			{"BadJSON", admin, "interventions.csv", url.Values{"where": {`{"statut":`}}, http.StatusBadRequest, "BAD_USER_INPUT", "where"},
			{"UnknownFilter", admin, "interventions.csv", url.Values{"where": {`{"statu":"OUVERTE"}`}}, http.StatusBadRequest, "BAD_USER_INPUT", "where"},
			{"BadEnum", admin, "interventions.csv", url.Values{"where": {`{"or":[{"statutIn":["OUVERTE","ouverte"]}]}`}}, http.StatusBadRequest, "BAD_USER_INPUT", `"ouverte" is not a InterventionStatut`},
			{"BadOrder", admin, "interventions.csv", url.Values{"orderBy": {`[{"field":"NOPE"}]`}}, http.StatusBadRequest, "BAD_USER_INPUT", "orderBy"},
			{"BadSeparator", admin, "interventions.csv", url.Values{"sep": {"tab"}}, http.StatusBadRequest, "BAD_USER_INPUT", "sep"},
			{"NoSuchExport", admin, "equipements.csv", nil, http.StatusNotFound, "NOT_FOUND", ""},
			{"NoSuchFormat", admin, "interventions.pdf", nil, http.StatusNotFound, "NOT_FOUND", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a := f.export(t, tc.token, tc.file, tc.params)
				var e struct{ Detail, Code string }
				if err := json.Unmarshal(a.body, &e); err != nil {
					t.Fatalf("status %d, body %q: %v", a.status, a.body, err)
				}
				if a.status != tc.status || e.Code != tc.code || !strings.Contains(e.Detail, tc.mention) {
					t.Errorf("got %d %s %q, want %d %s mentioning %q", a.status, e.Code, e.Detail, tc.status, tc.code, tc.mention)
				}
			})
		}
	})
}

func TestLimit(t *testing.T) {
	f := newFixture(t, func(c *config.Config) { c.ExportMaxRows = 3 })
	admin := f.env.Token(t, f.admin)
	a := f.export(t, admin, "interventions.csv", nil)
	var e struct{ Detail, Code string }
	if err := json.Unmarshal(a.body, &e); err != nil {
		t.Fatalf("status %d, body %q: %v", a.status, a.body, err)
	}
	if a.status != http.StatusRequestEntityTooLarge || e.Code != "TOO_LARGE" || !strings.Contains(e.Detail, "4 rows") || !strings.Contains(e.Detail, "narrow the filter") {
		t.Errorf("got %d %s %q, want 413 TOO_LARGE counting 4 rows and asking to narrow the filter", a.status, e.Code, e.Detail)
	}
	// Narrowed, it passes.
	recs := records(t, f.export(t, admin, "interventions.csv", url.Values{"where": {`{"hasClientWith":[{"nom":"Alpha"}]}`}}), ',')
	if len(recs) != 4 {
		t.Errorf("got %d records, want the header and 3 rows", len(recs))
	}
}

func TestInterventionsXLSX(t *testing.T) {
	f := newFixture(t)
	a := f.export(t, f.env.Token(t, f.admin), "interventions.xlsx", url.Values{"where": {`{"hasClientWith":[{"nom":"Alpha"}]}`}})
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("Content-Type %q", ct)
	}
	x, err := excelize.OpenReader(bytes.NewReader(a.body))
	if err != nil {
		t.Fatalf("opening the workbook: %v", err)
	}
	defer func() { _ = x.Close() }()
	if diff := cmp.Diff([]string{"Interventions"}, x.GetSheetList()); diff != "" {
		t.Errorf("sheets (-want +got):\n%s", diff)
	}
	const sheet = "Interventions"
	rows, err := x.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0][1] != "Titre" || rows[1][1] != "Fuite" || rows[3][1] != "Graissage" {
		t.Errorf("rows %q, want the header and Fuite, Bruit, Graissage", rows)
	}
	// Typed cells: the id and the duration are numbers, the planned date a date on the local
	// clock, the flags booleans.
	for cell, want := range map[string]excelize.CellType{"A2": excelize.CellTypeNumber, "R2": excelize.CellTypeNumber,
		"L2": excelize.CellTypeNumber, "F2": excelize.CellTypeBool, "B2": excelize.CellTypeInlineString} {
		if got := cellType(t, x, sheet, cell); got != want {
			t.Errorf("cell %s is of type %v, want %v", cell, got, want)
		}
	}
	if v, _ := x.GetCellValue(sheet, "L2"); v != f.env.Deps.Config.Zone.In(f.prevue).Format("02/01/2006 15:04") {
		t.Errorf("planned date shows %q, want the local time %s", v, f.env.Deps.Config.Zone.In(f.prevue))
	}
	style, err := x.GetCellStyle(sheet, "B1")
	if err != nil {
		t.Fatal(err)
	}
	if s, err := x.GetStyle(style); err != nil || s.Font == nil || !s.Font.Bold {
		t.Errorf("header style %+v (%v), want bold", s, err)
	}
	panes, err := x.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v, want the first row frozen", panes)
	}
}

// cellType is the type of a cell, a number for a cell without one (the default of the
// format, which excelize reports as unset).
func cellType(t *testing.T, x *excelize.File, sheet, cell string) excelize.CellType {
	t.Helper()
	typ, err := x.GetCellType(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	if typ == excelize.CellTypeUnset {
		v, err := x.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if _, perr := strconv.ParseFloat(v, 64); err == nil && perr == nil {
			return excelize.CellTypeNumber
		}
	}
	return typ
}

// TestClientNonInterference: a client's export holds his company's rows only, and changing
// the rows he may not read changes nothing in his file, byte for byte.
func TestClientNonInterference(t *testing.T) {
	f := newFixture(t)
	token := f.env.Token(t, f.clientA)
	files := []string{"interventions.csv", "interventions.xlsx", "stats.csv"}
	params := url.Values{"from": {"2020-01-01T00:00:00Z"}, "to": {"2030-01-01T00:00:00Z"}, "groupBy": {"CLIENT"}}
	before := map[string][]byte{}
	for _, file := range files {
		a := f.export(t, token, file, params)
		if a.status != http.StatusOK {
			t.Fatalf("%s: status %d: %s", file, a.status, a.body)
		}
		before[file] = a.body
	}
	if diff := cmp.Diff([]string{"Fuite", "Bruit", "Graissage"}, column(t, records(t, answer{200, nil, before["interventions.csv"]}, ','), "Titre")); diff != "" {
		t.Errorf("client A's interventions (-want +got):\n%s", diff)
	}

	ctx, c := f.env.Sys, f.env.Client
	c.Intervention.UpdateOne(f.ivB).SetTitre("Vibration zq").SetStatut(domain.StatutEnCours).SaveX(ctx)
	c.Intervention.Create().SetTitre("Nouvelle zq").SetEquipement(f.eqB).SetClient(f.socB).SaveX(ctx)
	c.Societe.UpdateOne(f.socB).SetNom("Beta zq").SaveX(ctx)
	c.Equipement.UpdateOne(f.eqB).SetNom("Compresseur zq").SaveX(ctx)

	for _, file := range files {
		a := f.export(t, token, file, params)
		if file == "interventions.xlsx" {
			// A workbook records nothing of when it was written: equal bytes.
			if !bytes.Equal(a.body, before[file]) {
				t.Errorf("%s changed with rows client A may not read", file)
			}
			continue
		}
		if diff := cmp.Diff(string(before[file]), string(a.body)); diff != "" {
			t.Errorf("%s changed with rows client A may not read (-before +after):\n%s", file, diff)
		}
	}
}

func TestLedger(t *testing.T) {
	f := newFixture(t)
	t.Run("StaffSemicolon", func(t *testing.T) {
		recs := records(t, f.export(t, f.env.Token(t, f.admin), "mouvements-stock.csv", url.Values{"sep": {"semicolon"}}), ';')
		// Newest first, as mouvementsStock lists them; amounts with a decimal comma.
		if diff := cmp.Diff([]string{"SORTIE", "ENTREE"}, column(t, recs, "Type")); diff != "" {
			t.Errorf("types (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"12,34", "12,34"}, column(t, recs, "Coût unitaire (MAD)")); diff != "" {
			t.Errorf("unit costs (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"-24,68", "123,40"}, column(t, recs, "Valeur (MAD)")); diff != "" {
			t.Errorf("values (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"Joint, torique", "Joint, torique"}, column(t, recs, "Désignation")); diff != "" {
			t.Errorf("designations (-want +got):\n%s", diff)
		}
	})
	t.Run("StaffComma", func(t *testing.T) {
		recs := records(t, f.export(t, f.env.Token(t, f.admin), "mouvements-stock.csv", nil), ',')
		if diff := cmp.Diff([]string{"-24.68", "123.40"}, column(t, recs, "Valeur (MAD)")); diff != "" {
			t.Errorf("values (-want +got):\n%s", diff)
		}
	})
	t.Run("TechnicianWithoutCosts", func(t *testing.T) {
		recs := records(t, f.export(t, f.env.Token(t, f.tech), "mouvements-stock.csv", nil), ',')
		for _, h := range recs[0] {
			if strings.Contains(h, "MAD") {
				t.Errorf("a technician's ledger has the cost column %q", h)
			}
		}
		// He reads the movements of his own work only.
		if diff := cmp.Diff([]string{"SORTIE"}, column(t, recs, "Type")); diff != "" {
			t.Errorf("types (-want +got):\n%s", diff)
		}
	})
	t.Run("ClientForbidden", func(t *testing.T) {
		a := f.export(t, f.env.Token(t, f.clientA), "mouvements-stock.csv", nil)
		if a.status != http.StatusForbidden {
			t.Errorf("status %d, want 403: %s", a.status, a.body)
		}
	})
	t.Run("XLSXAmountsAreNumbers", func(t *testing.T) {
		a := f.export(t, f.env.Token(t, f.admin), "mouvements-stock.xlsx", nil)
		x, err := excelize.OpenReader(bytes.NewReader(a.body))
		if err != nil {
			t.Fatalf("status %d: opening the workbook: %v", a.status, err)
		}
		defer func() { _ = x.Close() }()
		sheet := x.GetSheetList()[0]
		if typ := cellType(t, x, sheet, "H2"); typ != excelize.CellTypeNumber {
			t.Errorf("unit cost cell of type %v, want a number", typ)
		}
		if v, _ := x.GetCellValue(sheet, "H2", excelize.Options{RawCellValue: true}); v != "12.34" {
			t.Errorf("unit cost %q, want 12.34 (dirhams)", v)
		}
	})
}

func TestStats(t *testing.T) {
	f := newFixture(t)
	params := url.Values{"from": {"2020-01-01T00:00:00Z"}, "to": {"2030-01-01T00:00:00Z"}, "groupBy": {"CLIENT"}}
	recs := records(t, f.export(t, f.env.Token(t, f.admin), "stats.csv", params), ',')
	if diff := cmp.Diff([]string{"Alpha", "Beta"}, column(t, recs, "Client")); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"3", "1"}, column(t, recs, "Interventions")); diff != "" {
		t.Errorf("interventions per client (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"3", "1"}, column(t, recs, "Statut OUVERTE")); diff != "" {
		t.Errorf("open per client (-want +got):\n%s", diff)
	}
	a := f.export(t, f.env.Token(t, f.admin), "stats.csv", url.Values{"from": {"hier"}})
	if a.status != http.StatusBadRequest || !strings.Contains(string(a.body), "from") {
		t.Errorf("bad from: status %d %s, want 400 naming from", a.status, a.body)
	}
}

// TestSignedLink: the GraphQL field gives a link that downloads without the token, with
// the visibility of the user who asked, until it expires, and not once tampered with.
func TestSignedLink(t *testing.T) {
	f := newFixture(t)
	var got struct {
		ExportInterventionsLink struct {
			URL       string
			ExpiresAt time.Time
			Lignes    int
		}
	}
	f.env.As(t, f.clientA).MustData(`query($w: InterventionWhereInput) {
		exportInterventionsLink(format: CSV, separateur: POINT_VIRGULE, where: $w, orderBy: [{direction: DESC, field: TITRE}]) { url expiresAt lignes }
	}`, map[string]any{"w": map[string]any{"titreContainsFold": "u"}}, &got)
	link := got.ExportInterventionsLink
	if link.Lignes != 2 || !strings.HasPrefix(link.URL, "/export/interventions.csv?") {
		t.Fatalf("link %+v, want 2 rows of /export/interventions.csv", link)
	}

	t.Run("OK", func(t *testing.T) {
		recs := records(t, get(t, f.env.URL+link.URL, ""), ';')
		// Client A's own interventions containing "u", by title descending.
		if diff := cmp.Diff([]string{"Fuite", "Bruit"}, column(t, recs, "Titre")); diff != "" {
			t.Errorf("titles (-want +got):\n%s", diff)
		}
	})
	t.Run("Tampered", func(t *testing.T) {
		u, err := url.Parse(link.URL)
		if err != nil {
			t.Fatal(err)
		}
		for name, change := range map[string]func(url.Values){
			"Where": func(q url.Values) { q.Set("where", `{}`) },
			"User":  func(q url.Values) { q.Set("uid", "1") },
			"Added": func(q url.Values) { q.Set("sep", "comma") },
		} {
			q := u.Query()
			change(q)
			if a := get(t, f.env.URL+u.Path+"?"+q.Encode(), ""); a.status != http.StatusForbidden {
				t.Errorf("%s: status %d, want 403: %s", name, a.status, a.body)
			}
		}
	})
	t.Run("Expired", func(t *testing.T) {
		f.env.Clock.Set(link.ExpiresAt.Add(time.Second))
		a := get(t, f.env.URL+link.URL, "")
		if a.status != http.StatusForbidden || !strings.Contains(string(a.body), "expired") {
			t.Errorf("status %d %s, want 403 saying the link expired", a.status, a.body)
		}
	})
	t.Run("UserDeactivated", func(t *testing.T) {
		tech := f.env.User(t, "Parti", domain.RoleTechnicien)
		var got struct{ ExportInterventionsLink struct{ URL string } }
		f.env.As(t, tech).MustData(`{ exportInterventionsLink(format: XLSX) { url } }`, nil, &got)
		f.env.Client.User.UpdateOne(tech).SetIsActive(false).SaveX(f.env.Sys)
		if a := get(t, f.env.URL+got.ExportInterventionsLink.URL, ""); a.status != http.StatusUnauthorized {
			t.Errorf("status %d, want 401 for the link of a deactivated user: %s", a.status, a.body)
		}
	})
	t.Run("TooLarge", func(t *testing.T) {
		f.env.Deps.Exports.MaxRows = 1
		t.Cleanup(func() { f.env.Deps.Exports.MaxRows = f.env.Deps.Config.ExportMaxRows })
		e := f.env.As(t, f.admin).MustFail(`{ exportInterventionsLink { url } }`, nil)
		if e.Code() != "TOO_LARGE" {
			t.Errorf("code %q (%s), want TOO_LARGE", e.Code(), e.Message)
		}
	})
	t.Run("ClientNoLedger", func(t *testing.T) {
		e := f.env.As(t, f.clientA).MustFail(`{ exportMouvementsStockLink(format: XLSX) { url } }`, nil)
		if e.Code() != "FORBIDDEN" {
			t.Errorf("code %q (%s), want FORBIDDEN", e.Code(), e.Message)
		}
	})
}

// TestSignedLinkRealClock: the link's lifetime holds against the wall clock, not only a
// frozen one: with EXPORT_LINK_TTL=1s it downloads at once and is refused once that second
// has passed.
func TestSignedLinkRealClock(t *testing.T) {
	f := newFixture(t, func(c *config.Config) { c.ExportLinkTTL = time.Second })
	f.env.Clock.Run()
	var got struct{ ExportInterventionsLink struct{ URL string } }
	f.env.As(t, f.admin).MustData(`{ exportInterventionsLink(format: CSV) { url } }`, nil, &got)
	if a := get(t, f.env.URL+got.ExportInterventionsLink.URL, ""); a.status != http.StatusOK {
		t.Fatalf("fresh link: status %d %s, want 200", a.status, a.body)
	}
	// Links are signed to the second: past the next whole second, it has expired.
	time.Sleep(2100 * time.Millisecond)
	if a := get(t, f.env.URL+got.ExportInterventionsLink.URL, ""); a.status != http.StatusForbidden {
		t.Errorf("link after its second: status %d %s, want 403", a.status, a.body)
	}
}
