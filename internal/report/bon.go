package report

import (
	"context"
	"database/sql"
	"fmt"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/commentaire"
	"github.com/mifmaroc/erp/ent/historiqueintervention"
	entintervention "github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/pointchecklist"
	"github.com/mifmaroc/erp/ent/tempspasse"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/intervention"
	"github.com/mifmaroc/erp/internal/render"
)

// Bon is the "bon d'intervention" of intervention id as the viewer of ctx sees it: an
// intervention he may not read is NOT_FOUND, like one that does not exist, and every part
// (history, comments, technicians) shows only the rows the access rules give him.
func (s *Service) Bon(ctx context.Context, id int) ([]byte, error) {
	iv, err := s.Client.Intervention.Query().
		Where(entintervention.ID(id)).
		WithEquipement().
		WithClient().
		WithTechnicien(func(q *ent.TechnicienQuery) { q.WithUser() }).
		WithHistorique(func(q *ent.HistoriqueInterventionQuery) {
			q.WithUser().Order(ent.Asc(historiqueintervention.FieldHorodatage), ent.Asc(historiqueintervention.FieldID))
		}).
		WithChecklist(func(q *ent.PointChecklistQuery) { q.Order(ent.Asc(pointchecklist.FieldPosition)) }).
		WithUtilisations(func(q *ent.InterventionPieceQuery) { q.WithPiece() }).
		WithTempsPasses(func(q *ent.TempsPasseQuery) {
			q.WithTechnicien(func(q *ent.TechnicienQuery) { q.WithUser() }).
				Order(ent.Asc(tempspasse.FieldDebut), ent.Asc(tempspasse.FieldID))
		}).
		WithCommentaires(func(q *ent.CommentaireQuery) {
			q.WithAuteur().Order(ent.Asc(commentaire.FieldCreatedAt), ent.Asc(commentaire.FieldID))
		}).
		Only(ctx)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "intervention %d not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("reading intervention %d: %w", id, err)
	}
	k, err := s.kpis(ctx, iv)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	d := newDoc(s.Company, s.Zone, "Bon d'intervention", fmt.Sprintf("N° %d", iv.ID), now)
	writeBon(d, iv, k)
	return d.bytes()
}

// kpis are the intervention's KPIs (costs, times) from the one definition of their facts
// (render.FactColumns), as GraphQL computes them.
func (s *Service) kpis(ctx context.Context, iv *ent.Intervention) (intervention.KPIs, error) {
	b := entsql.Dialect(s.Dialect)
	t := b.Table(entintervention.Table)
	q := b.Select().From(t).Where(entsql.EQ(t.C(entintervention.FieldID), iv.ID))
	for _, c := range render.FactColumns(s.Dialect, render.RootRef, intervention.NeedAll) {
		q.AppendSelectExpr(entsql.Expr(c))
	}
	query, args := q.Query()
	rows, err := s.Client.QueryContext(ctx, query, args...)
	if err != nil {
		return intervention.KPIs{}, fmt.Errorf("reading the facts of intervention %d: %w", iv.ID, err)
	}
	defer func() { _ = rows.Close() }()
	vals := make([]sql.NullString, render.FactCount)
	dest := make([]any, len(vals))
	for i := range vals {
		dest[i] = &vals[i]
	}
	if rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return intervention.KPIs{}, fmt.Errorf("reading the facts of intervention %d: %w", iv.ID, err)
		}
	}
	if err := rows.Err(); err != nil {
		return intervention.KPIs{}, fmt.Errorf("reading the facts of intervention %d: %w", iv.ID, err)
	}
	cols := make([]string, len(vals))
	for i, v := range vals {
		cols[i] = v.String
	}
	f, err := render.ParseFacts(iv, cols)
	if err != nil {
		return intervention.KPIs{}, fmt.Errorf("the facts of intervention %d: %w", iv.ID, err)
	}
	return intervention.Compute(f, s.Now()), nil
}

// writeBon lays the intervention out.
func writeBon(d *doc, iv *ent.Intervention, k intervention.KPIs) {
	e := iv.Edges
	d.SetFont(family, "B", 12)
	d.MultiCell(width, 6, iv.Titre, "", "L", false)
	d.Ln(1)

	d.section("Intervention", 25)
	urgence := yesNo(iv.Urgence)
	d.fields([]field{
		{"Type", label(typeLabel, iv.Type)}, {"Priorité", label(prioriteLabel, iv.Priorite)},
		{"Statut", label(statutLabel, iv.Statut)}, {"Urgence", urgence},
		{"Technicien", technicienName(e.Technicien)}, {"Arrêt équipement", yesNo(iv.ArretEquipement)},
	})
	d.Ln(1)
	d.fields([]field{
		{"Créée le", d.when(&iv.DateCreation)}, {"Prévue le", d.when(iv.DatePrevue)},
		{"Date limite", d.when(iv.DateLimite)}, {"Commencée le", d.when(iv.DateDebut)},
		{"Terminée le", d.when(iv.DateFin)}, {"Clôturée le", d.when(iv.DateCloture)},
	})

	d.section("Client", 15)
	if c := e.Client; c != nil {
		d.fields([]field{
			{"Société", c.Nom}, {"Code", c.Code},
			{"Adresse", orDash(joinNonEmpty(", ", c.Adresse, c.Ville))}, {"Téléphone", orDash(c.Telephone)},
		})
	} else {
		d.paragraph("")
	}

	d.section("Équipement", 15)
	if q := e.Equipement; q != nil {
		d.fields([]field{
			{"Nom", q.Nom}, {"Code", q.Code},
			{"Localisation", orDash(q.Localisation)}, {"Criticité", label(criticiteLabel, q.Criticite)},
			{"Marque / modèle", orDash(joinNonEmpty(" ", q.Marque, q.Modele))}, {"N° de série", orDash(q.NumeroSerie)},
		})
	} else {
		d.paragraph("")
	}

	d.section("Description", 12)
	d.paragraph(iv.Description)
	d.section("Rapport d'intervention", 12)
	d.paragraph(iv.Rapport)

	d.section("Historique", 20)
	var hist [][]string
	for _, h := range e.Historique {
		what := label(statutLabel, h.NouveauStatut)
		if h.AncienStatut != nil && *h.AncienStatut != h.NouveauStatut {
			what = label(statutLabel, *h.AncienStatut) + " → " + what
		}
		if h.Champ != nil {
			what = *h.Champ + " : " + orDash(derefStr(h.AncienneValeur)) + " → " + orDash(derefStr(h.NouvelleValeur))
		}
		by := "—"
		if h.Edges.User != nil {
			by = h.Edges.User.NomComplet
		}
		hist = append(hist, []string{d.when(&h.Horodatage), what, by, orDash(h.Remarque)})
	}
	d.table([]column{{"Date", 30, "L"}, {"Évolution", 70, "L"}, {"Par", 35, "L"}, {"Remarque", 45, "L"}}, hist, "Aucun historique.")

	d.section("Checklist", 20)
	var points [][]string
	for _, p := range e.Checklist {
		ecart := ""
		if p.HorsLimites {
			ecart = alertMark + "Hors limites"
		}
		points = append(points, []string{itoa(p.Position), p.Libelle, answer(p), ecart})
	}
	d.table([]column{{"N°", 10, "C"}, {"Point", 80, "L"}, {"Réponse", 60, "L"}, {"Écart", 30, "L"}}, points, "Pas de checklist.")

	d.section("Pièces utilisées", 20)
	var parts [][]string
	for _, u := range e.Utilisations {
		ref, des := "—", "—"
		if p := u.Edges.Piece; p != nil {
			ref, des = p.Reference, p.Designation
		}
		line, err := intervention.LineCost(u.Quantite, u.PrixUnitaireCentimes)
		total := money(line)
		if err != nil {
			total = "—"
		}
		parts = append(parts, []string{ref, des, itoa(u.Quantite), money(u.PrixUnitaireCentimes), total})
	}
	d.table([]column{{"Référence", 30, "L"}, {"Désignation", 70, "L"}, {"Qté", 15, "R"}, {"Prix unitaire", 32, "R"}, {"Total", 33, "R"}}, parts, "Aucune pièce.")

	d.section("Temps passé", 20)
	var temps [][]string
	for _, t := range e.TempsPasses {
		dur, cost := "en cours", "—"
		if t.DureeMinutes != nil {
			dur = duration(*t.DureeMinutes)
			// Rates and durations are bounded (domain.Max…) far below an overflow.
			cost = money(int64(*t.DureeMinutes) * t.TauxHoraireCentimes / 60)
		}
		temps = append(temps, []string{technicienName(t.Edges.Technicien), d.when(&t.Debut), dur, money(t.TauxHoraireCentimes) + "/h", cost})
	}
	d.table([]column{{"Technicien", 50, "L"}, {"Début", 32, "L"}, {"Durée", 25, "R"}, {"Taux horaire", 38, "R"}, {"Coût", 35, "R"}}, temps, "Aucun temps saisi.")

	d.section("Coûts", 22)
	if k.CostErr != nil {
		d.paragraph("Les coûts de cette intervention ne peuvent pas être calculés.")
	} else {
		d.fields([]field{
			{"Pièces", money(k.CoutPieces)}, {"Durée réelle", duration(k.DureeReelle)},
			{"Main-d'œuvre", money(k.CoutMainOeuvre)}, {"Temps saisi", duration(k.DureeSaisie)},
		})
		d.SetFont(family, "B", 10)
		d.CellFormat(width, 7, "Coût total : "+money(k.CoutTotal), "T", 1, "R", false, 0, "")
	}

	if len(e.Commentaires) > 0 {
		d.section("Commentaires", 20)
		var cs [][]string
		for _, c := range e.Commentaires {
			who := "—"
			if c.Edges.Auteur != nil {
				who = c.Edges.Auteur.NomComplet
			}
			if c.Interne {
				who += " (interne)"
			}
			cs = append(cs, []string{d.when(&c.CreatedAt), who, c.Texte})
		}
		d.table([]column{{"Date", 30, "L"}, {"Auteur", 42, "L"}, {"Commentaire", 108, "L"}}, cs, "")
	}

	signatures(d, technicienName(e.Technicien), e.Client)
}

// signatures draws the two boxes the technician and the client sign.
func signatures(d *doc, tech string, client *ent.Societe) {
	d.section("Signatures", 40)
	const boxW, boxH, gap = 87.0, 32.0, 6.0
	y := d.GetY()
	box := func(x float64, who, name string) {
		d.Rect(x, y, boxW, boxH, "D")
		d.SetXY(x+2, y+1.5)
		d.SetFont(family, "B", textPt)
		d.CellFormat(boxW-4, 5, who, "", 2, "L", false, 0, "")
		d.SetX(x + 2)
		d.SetFont(family, "", smallPt+0.5)
		d.CellFormat(boxW-4, 4.5, name, "", 2, "L", false, 0, "")
		d.SetXY(x+2, y+boxH-6)
		d.SetTextColor(110, 110, 110)
		d.CellFormat(boxW-4, 4.5, "Date et signature", "", 0, "L", false, 0, "")
		d.SetTextColor(0, 0, 0)
	}
	clientName := "Nom :"
	if client != nil {
		clientName = client.Nom + " — nom :"
	}
	box(margin, "Le technicien", tech)
	box(margin+boxW+gap, "Le client", clientName)
	d.SetXY(margin, y+boxH+2)
}

// answer is a checklist point's answer as printed.
func answer(p *ent.PointChecklist) string {
	switch {
	case p.Coche != nil:
		return map[bool]string{true: "Fait", false: "Non fait"}[*p.Coche]
	case p.Valeur != nil:
		s := decimal(*p.Valeur, -1)
		if p.Unite != nil {
			s += " " + *p.Unite
		}
		if p.Min != nil || p.Max != nil {
			s += " (attendu " + boundsText(p) + ")"
		}
		return s
	case p.Texte != nil:
		return *p.Texte
	case p.DocumentID != nil:
		return "Photo jointe"
	}
	return "—"
}

// boundsText is the range a measure should read: "2 à 4", "≥ 2", "≤ 4".
func boundsText(p *ent.PointChecklist) string {
	switch {
	case p.Min != nil && p.Max != nil:
		return decimal(*p.Min, -1) + " à " + decimal(*p.Max, -1)
	case p.Min != nil:
		return "≥ " + decimal(*p.Min, -1)
	default:
		return "≤ " + decimal(*p.Max, -1)
	}
}

// technicienName is the technician's full name when the viewer reads it, or "—".
func technicienName(t *ent.Technicien) string {
	if t == nil || t.Edges.User == nil {
		return "—"
	}
	return t.Edges.User.NomComplet
}

func derefStr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func joinNonEmpty(sep string, parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += sep
		}
		out += p
	}
	return out
}
