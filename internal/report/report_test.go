package report_test

import (
	"bytes"
	"io"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/domain"
)

// world is a month of work for two client companies, in the default zone
// (Africa/Casablanca, UTC+1): November 2026 is [2026-10-31 23:00, 2026-11-30 23:00) UTC.
type world struct {
	env                  *apptest.Env
	admin, client, other *ent.User
	iv, otherIV          *ent.Intervention
	s1                   *ent.Societe
	eq                   *ent.Equipement
}

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func newWorld(t testing.TB, configure ...func(*config.Config)) *world {
	t.Helper()
	env := apptest.New(t, configure...)
	env.Clock.Set(utc("2026-12-05 10:00"))
	ctx, c := env.Sys, env.Client
	w := &world{env: env}
	w.admin = env.User(t, "Admin", domain.RoleAdmin)
	w.client = env.User(t, "ClientS1", domain.RoleClient)
	w.other = env.User(t, "ClientS2", domain.RoleClient)
	techU := c.User.Create().SetEmail("helene@example.com").SetNomComplet("Hélène Bénard").SetPasswordHash("x").
		SetRole(domain.RoleTechnicien).SaveX(ctx)
	tech := c.Technicien.Create().SetUser(techU).SetTauxHoraireCentimes(12000).SaveX(ctx)
	w.s1 = c.Societe.Create().SetNom("Société Chérifienne d'Études").SetCode("SCE").SetVille("Fès").AddUsers(w.client).SaveX(ctx)
	s2 := c.Societe.Create().SetNom("Œuvres Réunies").SetCode("OR").AddUsers(w.other).SaveX(ctx)
	w.eq = c.Equipement.Create().SetNom("Compresseur à vis « Atlas »").SetCode("CMP-01").SetClient(w.s1).
		SetLocalisation("Atelier mécanique — bâtiment B").SetCriticite(domain.CriticiteCritique).SaveX(ctx)
	eq2 := c.Equipement.Create().SetNom("Pompe de relevage").SetCode("PMP-02").SetClient(s2).
		SetCriticite(domain.CriticiteCritique).SaveX(ctx)

	w.iv = c.Intervention.Create().SetTitre("Fuite d'huile sur le compresseur").SetDescription("Fuite d'huile… à l'arrêt depuis 8 h – urgent").
		SetType(domain.TypeCorrective).SetStatut(domain.StatutCloturee).SetPriorite(domain.PrioriteHaute).
		SetEquipement(w.eq).SetClient(w.s1).SetTechnicien(tech).SetRapport("Joint remplacé ; l’essai est concluant.").
		SetDateCreation(utc("2026-11-03 08:00")).SetDateDebut(utc("2026-11-03 09:00")).SetDateCloture(utc("2026-11-03 12:30")).
		SaveX(ctx)
	for _, h := range []struct {
		from, to domain.InterventionStatut
		at       string
	}{{"", domain.StatutOuverte, "2026-11-03 08:00"}, {domain.StatutOuverte, domain.StatutEnCours, "2026-11-03 09:00"},
		{domain.StatutEnCours, domain.StatutCloturee, "2026-11-03 12:30"}} {
		hc := c.HistoriqueIntervention.Create().SetIntervention(w.iv).SetUser(w.admin).SetTechnicien(tech).
			SetNouveauStatut(h.to).SetHorodatage(utc(h.at))
		if h.from != "" {
			hc.SetAncienStatut(h.from)
		}
		hc.SaveX(ctx)
	}
	c.PointChecklist.Create().SetIntervention(w.iv).SetPosition(1).SetLibelle("Pression de sortie").SetType(domain.PointMesure).
		SetObligatoire(true).SetMin(6).SetMax(8).SetUnite("bar").SetValeur(9.5).SetHorsLimites(true).SaveX(ctx)
	p := c.Piece.Create().SetReference("JNT-40").SetDesignation("Joint torique Ø40").SetPrixUnitaireCentimes(15000).SaveX(ctx)
	c.InterventionPiece.Create().SetIntervention(w.iv).SetPiece(p).SetQuantite(2).SetPrixUnitaireCentimes(15000).SaveX(ctx)
	c.TempsPasse.Create().SetIntervention(w.iv).SetTechnicien(tech).SetUser(techU).SetDebut(utc("2026-11-03 09:00")).
		SetFin(utc("2026-11-03 10:30")).SetDureeMinutes(90).SetTauxHoraireCentimes(12000).SaveX(ctx)
	c.Commentaire.Create().SetIntervention(w.iv).SetAuteur(w.admin).SetTexte("Note réservée à l'équipe").SetInterne(true).SaveX(ctx)
	c.Commentaire.Create().SetIntervention(w.iv).SetAuteur(w.admin).SetTexte("Pièce commandée").SaveX(ctx)
	c.ArretEquipement.Create().SetEquipementID(w.eq.ID).SetUserID(w.admin.ID).SetDebut(utc("2026-11-03 08:00")).
		SetFin(utc("2026-11-03 12:30")).SaveX(ctx)

	w.otherIV = c.Intervention.Create().SetTitre("Pompe bruyante").SetType(domain.TypeCorrective).SetStatut(domain.StatutCloturee).
		SetEquipement(eq2).SetClient(s2).SetDateCreation(utc("2026-11-10 08:00")).SetDateDebut(utc("2026-11-10 08:00")).
		SetDateCloture(utc("2026-11-10 09:30")).SaveX(ctx)
	return w
}

// fetch GETs path (with the bearer token when not empty).
func (w *world) fetch(t testing.TB, path, token string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, w.env.URL+path, nil)
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
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, b
}

// pdfText GETs a report and returns its text as pdftotext reads it, failing unless the
// answer is a 200 PDF.
func (w *world) pdfText(t *testing.T, path, token string) string {
	t.Helper()
	status, h, body := w.fetch(t, path, token)
	if status != http.StatusOK || h.Get("Content-Type") != "application/pdf" {
		t.Fatalf("GET %s: status %d, type %q: %s", path, status, h.Get("Content-Type"), body)
	}
	return text(t, body)
}

// text extracts the text of a PDF with poppler's pdftotext (scripts/test.sh installs it).
func text(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is missing: install poppler-utils (scripts/test.sh does)")
	}
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func bonPath(id int) string { return "/reports/interventions/" + strconv.Itoa(id) + ".pdf" }

func TestBon(t *testing.T) {
	w := newWorld(t)
	admin, client, other := w.env.Token(t, w.admin), w.env.Token(t, w.client), w.env.Token(t, w.other)
	temp := w.env.User(t, "Temporary", domain.RoleAdmin)
	w.env.Client.User.UpdateOne(temp).SetMustChangePassword(true).ExecX(w.env.Sys)
	tempToken := w.env.Token(t, temp)

	t.Run("Staff", func(t *testing.T) {
		got := w.pdfText(t, bonPath(w.iv.ID), admin)
		for _, want := range []string{
			"MIF Maroc", "Bon d'intervention", "N° " + strconv.Itoa(w.iv.ID), "Imprimé le 05/12/2026 11:00",
			"Fuite d'huile sur le compresseur", "Équipement", "Compresseur à vis « Atlas »", "CMP-01",
			"Atelier mécanique — bâtiment B", "Société Chérifienne d'Études", "Fès", "Corrective", "Haute", "Clôturée",
			"03/11/2026 09:00", "03/11/2026 13:30", // created 08:00 UTC is 09:00 in Casablanca; closed 12:30 UTC
			"Fuite d'huile… à l'arrêt depuis 8 h – urgent", "Joint remplacé ; l’essai est concluant.",
			"Ouverte", "En cours → Clôturée",
			"Pression de sortie", "9,5 bar (attendu 6 à 8)", "Hors limites",
			"JNT-40", "Joint torique Ø40", "150,00 MAD", "300,00 MAD",
			"Hélène Bénard", "1 h 30", "180,00 MAD", "Main-d'œuvre", "Coût total : 480,00 MAD",
			"Note réservée à l'équipe", "(interne)", "Pièce commandée", "Signatures", "Le technicien", "Le client",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("the bon lacks %q:\n%s", want, got)
			}
		}
	})
	t.Run("ClientOfTheCompany", func(t *testing.T) {
		got := w.pdfText(t, bonPath(w.iv.ID), client)
		if !strings.Contains(got, "Compresseur à vis « Atlas »") || !strings.Contains(got, "Pièce commandée") {
			t.Errorf("the client's bon lacks the equipment or the public comment:\n%s", got)
		}
		if strings.Contains(got, "Note réservée") || strings.Contains(got, "(interne)") {
			t.Errorf("the client's bon shows an internal comment:\n%s", got)
		}
	})
	for _, c := range []struct {
		name, path, token string
		status            int
	}{
		{"ClientOfAnotherCompany", bonPath(w.iv.ID), other, http.StatusNotFound},
		{"NoSuchIntervention", bonPath(w.iv.ID + 1000), admin, http.StatusNotFound},
		{"NotAPDFName", "/reports/interventions/" + strconv.Itoa(w.iv.ID), admin, http.StatusNotFound},
		{"NoToken", bonPath(w.iv.ID), "", http.StatusUnauthorized},
		{"BadToken", bonPath(w.iv.ID), "nope", http.StatusUnauthorized},
		{"TemporaryPassword", bonPath(w.iv.ID), tempToken, http.StatusForbidden},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, h, body := w.fetch(t, c.path, c.token)
			if status != c.status || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
				t.Errorf("status %d (%s), want %d: %s", status, h.Get("Content-Type"), c.status, body)
			}
		})
	}
	t.Run("HiddenIsNonexistent", func(t *testing.T) {
		_, _, hidden := w.fetch(t, bonPath(w.iv.ID), other)
		_, _, missing := w.fetch(t, bonPath(w.iv.ID+1000), other)
		strip := func(b []byte) string {
			return strings.ReplaceAll(string(b), strconv.Itoa(w.iv.ID+1000), strconv.Itoa(w.iv.ID))
		}
		if strip(hidden) != strip(missing) {
			t.Errorf("a hidden intervention answers %s, a missing one %s", hidden, missing)
		}
	})
}

func TestMensuel(t *testing.T) {
	w := newWorld(t)
	admin, other := w.env.Token(t, w.admin), w.env.Token(t, w.other)

	t.Run("Staff", func(t *testing.T) {
		got := w.pdfText(t, "/reports/maintenance.pdf?month=2026-11", admin)
		for _, want := range []string{
			"Rapport mensuel de maintenance", "Novembre 2026", "Du 01/11/2026 au 30/11/2026 inclus, en Africa/Casablanca",
			"Interventions", "Réparations", "MTTR", "2,5 h", // (3.5 h + 1.5 h) / 2 repairs
			"Disponibilité", "Respect des SLA", "Conformité préventive", "Main-d'œuvre", "Pièces", "300,00 MAD",
			"Interventions par semaine", "S45", "02/11", "MTTR par semaine", "Évolution du MTTR sur 6 mois", "juin 2026", "nov. 2026",
			"Disponibilité des équipements critiques", "Compresseur à vis « Atlas » (CMP-01)", "Pompe de relevage (PMP-02)",
			"99,4 %", // 4.5 h stopped of 720 h
			"100 %",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("the report lacks %q:\n%s", want, got)
			}
		}
	})
	t.Run("ClientSeesHisCompanyOnly", func(t *testing.T) {
		got := w.pdfText(t, "/reports/maintenance.pdf?month=2026-11", other)
		if strings.Contains(got, "Compresseur") || !strings.Contains(got, "Pompe de relevage (PMP-02)") {
			t.Errorf("the client's report shows equipment of another company, or not his own:\n%s", got)
		}
		if !strings.Contains(got, "1,5 h") || strings.Contains(got, "2,5 h") {
			t.Errorf("the client's MTTR is not his own repair's (1,5 h):\n%s", got)
		}
	})
	t.Run("BadMonth", func(t *testing.T) {
		if status, _, body := w.fetch(t, "/reports/maintenance.pdf?month=2026-13", admin); status != http.StatusBadRequest {
			t.Errorf("status %d, want 400: %s", status, body)
		}
	})
	t.Run("NoToken", func(t *testing.T) {
		if status, _, body := w.fetch(t, "/reports/maintenance.pdf", ""); status != http.StatusUnauthorized {
			t.Errorf("status %d, want 401: %s", status, body)
		}
	})
}

// TestReportsNonInterference changes what a client may not see and checks that his reports
// do not change.
func TestReportsNonInterference(t *testing.T) {
	w := newWorld(t)
	other := w.env.Token(t, w.other)
	paths := []string{bonPath(w.otherIV.ID), "/reports/maintenance.pdf?month=2026-11"}
	before := make([]string, len(paths))
	for i, p := range paths {
		before[i] = w.pdfText(t, p, other)
	}
	ctx, c := w.env.Sys, w.env.Client
	c.Intervention.UpdateOne(w.iv).SetTitre("Titre changé").SetDateCloture(utc("2026-11-05 00:00")).ExecX(ctx)
	c.Intervention.Create().SetTitre("Nouvelle").SetType(domain.TypeCorrective).SetStatut(domain.StatutCloturee).
		SetEquipement(w.eq).SetClient(w.s1).SetDateCreation(utc("2026-11-20 08:00")).SetDateCloture(utc("2026-11-21 08:00")).SaveX(ctx)
	c.ArretEquipement.Create().SetEquipementID(w.eq.ID).SetUserID(w.admin.ID).SetDebut(utc("2026-11-20 00:00")).
		SetFin(utc("2026-11-22 00:00")).SaveX(ctx)
	c.Commentaire.Create().SetIntervention(w.otherIV).SetAuteur(w.admin).SetTexte("Interne").SetInterne(true).SaveX(ctx)
	for i, p := range paths {
		if got := w.pdfText(t, p, other); got != before[i] {
			t.Errorf("%s changed with rows the client may not see:\nbefore:\n%s\nafter:\n%s", p, before[i], got)
		}
	}
}

const linkQuery = `query($id: ID!, $month: String) { rapportLink(interventionId: $id) rapportMensuelLink(month: $month) }`

func TestSignedLinks(t *testing.T) {
	w := newWorld(t)
	var links struct{ RapportLink, RapportMensuelLink string }
	w.env.As(t, w.client).MustData(linkQuery, map[string]any{"id": w.iv.ID, "month": "2026-11"}, &links)

	t.Run("OpenWithoutToken", func(t *testing.T) {
		if got := w.pdfText(t, links.RapportLink, ""); !strings.Contains(got, "Compresseur à vis « Atlas »") || strings.Contains(got, "Note réservée") {
			t.Errorf("the signed bon is not the client's view:\n%s", got)
		}
		if got := w.pdfText(t, links.RapportMensuelLink, ""); !strings.Contains(got, "Novembre 2026") || strings.Contains(got, "Pompe de relevage") {
			t.Errorf("the signed monthly report is not the client's view:\n%s", got)
		}
	})
	for _, c := range []struct{ name, path string }{
		{"TamperedSignature", strings.Replace(links.RapportLink, "sig=", "sig=A", 1)},
		{"OtherIntervention", strings.Replace(links.RapportLink, strconv.Itoa(w.iv.ID), strconv.Itoa(w.otherIV.ID), 1)},
		{"OtherMonth", strings.Replace(links.RapportMensuelLink, "2026-11", "2026-10", 1)},
		{"OtherUser", strings.Replace(links.RapportLink, "uid="+strconv.Itoa(w.client.ID), "uid="+strconv.Itoa(w.admin.ID), 1)},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.path == links.RapportLink || c.path == links.RapportMensuelLink {
				t.Fatalf("the link %s was not altered", c.path)
			}
			if status, _, body := w.fetch(t, c.path, ""); status != http.StatusForbidden {
				t.Errorf("status %d, want 403: %s", status, body)
			}
		})
	}
	t.Run("Expired", func(t *testing.T) {
		w.env.Clock.Advance(5*time.Minute + time.Second)
		defer w.env.Clock.Advance(-5*time.Minute - time.Second)
		if status, _, body := w.fetch(t, links.RapportLink, ""); status != http.StatusForbidden {
			t.Errorf("status %d, want 403: %s", status, body)
		}
	})
	t.Run("DeactivatedUser", func(t *testing.T) {
		u := w.env.User(t, "Leaving", domain.RoleAdmin)
		var l struct{ RapportLink string }
		w.env.As(t, u).MustData(`query($id: ID!) { rapportLink(interventionId: $id) }`, map[string]any{"id": w.iv.ID}, &l)
		w.env.Client.User.UpdateOne(u).SetIsActive(false).ExecX(w.env.Sys)
		if status, _, body := w.fetch(t, l.RapportLink, ""); status != http.StatusUnauthorized {
			t.Errorf("status %d, want 401: %s", status, body)
		}
	})
	t.Run("HiddenIntervention", func(t *testing.T) {
		err := w.env.As(t, w.other).MustFail(`query($id: ID!) { rapportLink(interventionId: $id) }`, map[string]any{"id": w.iv.ID})
		if err.Code() != "NOT_FOUND" {
			t.Errorf("code %s, want NOT_FOUND", err.Code())
		}
	})
	t.Run("BadMonth", func(t *testing.T) {
		err := w.env.As(t, w.admin).MustFail(`{ rapportMensuelLink(month: "novembre") }`, nil)
		if err.Code() != "BAD_USER_INPUT" {
			t.Errorf("code %s, want BAD_USER_INPUT", err.Code())
		}
	})
}

// TestReportStatements checks that the bon reads its own rows in a fixed number of
// statements: more history, parts, time and comments on the intervention, and more work
// elsewhere, cost no more statements. (The monthly report's figures are maintenanceStats',
// aggregated by the database in a fixed number of statements: internal/stats.)
func TestReportStatements(t *testing.T) {
	// The token's check is read once and kept for the test, so that only the report counts.
	w := newWorld(t, func(c *config.Config) { c.AuthCacheTTL = time.Hour })
	admin := w.env.Token(t, w.admin)
	paths := []string{bonPath(w.iv.ID)}
	count := func(path string) int64 {
		t.Helper()
		w.pdfText(t, path, admin) // warms the token's check
		before := w.env.DB.Statements()
		w.pdfText(t, path, admin)
		return w.env.DB.Statements() - before
	}
	small := make([]int64, len(paths))
	for i, p := range paths {
		if small[i] = count(p); small[i] == 0 {
			t.Fatalf("%s: no statement counted", p)
		}
		t.Logf("%s: %d statements", p, small[i])
	}
	ctx, c := w.env.Sys, w.env.Client
	tech := w.iv.QueryTechnicien().OnlyX(ctx)
	techU := tech.QueryUser().OnlyX(ctx)
	for i := range 5 {
		at := utc("2026-11-03 13:00").Add(time.Duration(i) * time.Hour)
		c.HistoriqueIntervention.Create().SetIntervention(w.iv).SetUser(w.admin).SetNouveauStatut(domain.StatutCloturee).
			SetHorodatage(at).SetRemarque("relecture").SaveX(ctx)
		p := c.Piece.Create().SetReference("P-" + strconv.Itoa(i)).SetDesignation("Pièce").SetPrixUnitaireCentimes(100).SaveX(ctx)
		c.InterventionPiece.Create().SetIntervention(w.iv).SetPiece(p).SetQuantite(1).SetPrixUnitaireCentimes(100).SaveX(ctx)
		c.TempsPasse.Create().SetIntervention(w.iv).SetTechnicien(tech).SetUser(techU).SetDebut(at).SetFin(at.Add(time.Hour)).
			SetDureeMinutes(60).SetTauxHoraireCentimes(12000).SaveX(ctx)
		c.Commentaire.Create().SetIntervention(w.iv).SetAuteur(w.admin).SetTexte("Suivi").SaveX(ctx)
		c.Intervention.Create().SetTitre("Autre").SetType(domain.TypeCorrective).SetEquipement(w.eq).SetClient(w.s1).
			SetDateCreation(at).SaveX(ctx)
	}
	for i, p := range paths {
		if n := count(p); n != small[i] {
			t.Errorf("%s: %d statements with more rows, %d before", p, n, small[i])
		}
	}
}

// TestBonLongText checks that a comment taller than a page is cut across pages, not lost:
// every numbered word of it is printed.
func TestBonLongText(t *testing.T) {
	w := newWorld(t)
	words := make([]string, 400) // within the 5000 characters of a comment
	for i := range words {
		words[i] = "œuvré" + strconv.Itoa(i) + "…"
	}
	w.env.Client.Commentaire.Create().SetIntervention(w.iv).SetAuteur(w.admin).SetTexte(strings.Join(words, " ")).SaveX(w.env.Sys)
	got := w.pdfText(t, bonPath(w.iv.ID), w.env.Token(t, w.admin))
	printed := map[string]bool{}
	for _, f := range strings.Fields(got) {
		printed[f] = true
	}
	for _, word := range words {
		if !printed[word] {
			t.Errorf("%q is missing from the bon", word)
		}
	}
	if !strings.Contains(got, "Page 3/3") || !strings.Contains(got, "Le technicien") {
		t.Errorf("want three pages ending with the signatures:\n%s", got)
	}
}
