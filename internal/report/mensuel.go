package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/stats"
)

// TrendMonths is how many months the MTTR trend of the monthly report covers, the reported
// one included.
const TrendMonths = 6

// MaxCriticalBars bounds the equipment the availability chart shows: the least available.
const MaxCriticalBars = 20

// ParseMonth reads a month written 2026-11 as its first instant in the users' zone; empty
// is the current month. Errors: BAD_USER_INPUT.
func (s *Service) ParseMonth(m string) (time.Time, error) {
	loc := s.Zone.Location()
	if m == "" {
		n := s.Now().In(loc)
		return time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, loc), nil
	}
	t, err := time.ParseInLocation("2006-01", m, loc)
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, domain.Errorf(domain.CodeBadUserInput, "month %q: expected a month such as 2026-11", m)
	}
	return t, nil
}

// Mensuel is the maintenance report of the month starting at month (see ParseMonth) for the
// viewer of ctx: the figures of maintenanceStats (internal/stats), which count only what he
// reads (a CLIENT his company's work and equipment).
func (s *Service) Mensuel(ctx context.Context, month time.Time) ([]byte, error) {
	loc := s.Zone.Location()
	from := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, loc)
	to := from.AddDate(0, 1, 0)
	total, err := s.Stats.Compute(ctx, stats.Query{From: from, To: to})
	if err != nil {
		return nil, fmt.Errorf("the month's figures: %w", err)
	}
	weeks, err := s.Stats.Compute(ctx, stats.Query{From: from, To: to, GroupBy: []domain.StatsGroupBy{domain.StatsSemaine}})
	if err != nil {
		return nil, fmt.Errorf("the figures per week: %w", err)
	}
	trend, err := s.Stats.Compute(ctx, stats.Query{From: from.AddDate(0, 1-TrendMonths, 0), To: to, GroupBy: []domain.StatsGroupBy{domain.StatsMois}})
	if err != nil {
		return nil, fmt.Errorf("the MTTR trend: %w", err)
	}
	critique := domain.CriticiteCritique
	critical, err := s.Client.Equipement.Query().Where(equipement.CriticiteEQ(critique)).
		Select(equipement.FieldID, equipement.FieldNom, equipement.FieldCode).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the critical equipment: %w", err)
	}
	var perEq *stats.Result
	if len(critical) > 0 {
		perEq, err = s.Stats.Compute(ctx, stats.Query{From: from, To: to, GroupBy: []domain.StatsGroupBy{domain.StatsEquipement},
			Equipements: &ent.EquipementWhereInput{Criticite: &critique}})
		if err != nil {
			return nil, fmt.Errorf("the availability of the critical equipment: %w", err)
		}
	}

	title := moisLabel[from.Month()-1] + " " + itoa(from.Year())
	d := newDoc(s.Company, s.Zone, "Rapport mensuel de maintenance", strings.ToUpper(title[:1])+title[1:], s.Now())
	writeSummary(d, from, to, first(total))
	d.section("Interventions par semaine", 60)
	y := d.GetY()
	var perWeek, mttrWeek []point
	// Every week of the month gets its slot: a week without work is a zero, not a gap.
	ws := time.Date(from.Year(), from.Month(), from.Day()-(int(from.Weekday())+6)%7, 0, 0, 0, 0, loc)
	for ; ws.Before(to); ws = ws.AddDate(0, 0, 7) {
		lo := ws
		if lo.Before(from) {
			lo = from
		}
		g := groupAt(weeks, lo)
		n := float64(g.Interventions)
		lbl := weekLabel(ws)
		perWeek = append(perWeek, point{lbl, &n})
		mttrWeek = append(mttrWeek, point{lbl, g.MttrHeures})
	}
	d.barChart(chartArea{x: margin, y: y, w: width/2 - 3, h: 55, title: "Interventions créées", counts: true}, perWeek)
	d.lineChart(chartArea{x: margin + width/2 + 3, y: y, w: width/2 - 3, h: 55, title: "MTTR par semaine (h)", unit: " h"}, mttrWeek)
	d.SetXY(margin, y+57)

	d.section("Évolution du MTTR sur "+itoa(TrendMonths)+" mois", 60)
	y = d.GetY()
	var months []point
	for i := range TrendMonths {
		m := from.AddDate(0, i+1-TrendMonths, 0)
		months = append(months, point{moisCourt[m.Month()-1] + " " + itoa(m.Year()), groupAt(trend, m).MttrHeures})
	}
	d.lineChart(chartArea{x: margin, y: y, w: width, h: 55, title: "MTTR mensuel (heures)", unit: " h"}, months)
	d.SetXY(margin, y+57)

	d.section("Disponibilité des équipements critiques", 25)
	writeAvailability(d, critical, perEq)
	return d.bytes()
}

// first is the only group of an ungrouped result, or an empty one when nothing counted.
func first(r *stats.Result) *stats.Group {
	if len(r.Groups) > 0 {
		return r.Groups[0]
	}
	return &stats.Group{}
}

// groupAt is the group of r whose period starts at t, or an empty one.
func groupAt(r *stats.Result, t time.Time) *stats.Group {
	for _, g := range r.Groups {
		if g.Debut.Equal(t) {
			return g
		}
	}
	return &stats.Group{}
}

// writeSummary prints the month's figures.
func writeSummary(d *doc, from, to time.Time, g *stats.Group) {
	d.section("Indicateurs du mois", 50)
	d.SetFont(family, "", smallPt+0.5)
	d.SetTextColor(90, 90, 90)
	d.CellFormat(width, 4.5, "Du "+d.zone.Date(from)+" au "+d.zone.Date(to.Add(-time.Second))+" inclus, en "+d.zone.Name()+".", "", 1, "L", false, 0, "")
	d.SetTextColor(0, 0, 0)
	d.Ln(1)
	optInt := func(p *int) string {
		if p == nil {
			return "—"
		}
		return itoa(*p)
	}
	d.fields([]field{
		{"Interventions", itoa(g.Interventions)}, {"Backlog (fin de mois)", itoa(g.Backlog)},
		{"Réparations", itoa(g.Reparations)}, {"MTTR", optDecimal(g.MttrHeures, 1, " h")},
		{"MTBF", optDecimal(g.MtbfHeures, 1, " h")}, {"Disponibilité", optDecimal(g.Disponibilite, 1, " %")},
		{"Arrêts (heures)", optDecimal(g.ArretHeures, 1, " h")}, {"Pannes", optInt(g.Pannes)},
		{"Respect des SLA", optDecimal(g.RespectSla, 1, " %") + " (" + itoa(g.SlaConcernees) + ")"},
		{"Conformité préventive", optDecimal(g.ConformitePreventive, 1, " %") + " (" + itoa(g.PreventivesConcernees) + ")"},
		{"1re intervention réussie", optDecimal(g.PremiereInterventionReussie, 1, " %")}, {"", ""},
		{"Main-d'œuvre", money(g.CoutMainOeuvreCentimes)}, {"Pièces", money(g.CoutPiecesCentimes)},
	})
	d.SetFont(family, "B", 10)
	d.CellFormat(width, 7, "Coût total : "+money(g.CoutMainOeuvreCentimes+g.CoutPiecesCentimes), "T", 1, "R", false, 0, "")
	if len(g.ParType) > 0 {
		var parts []string
		for _, t := range g.ParType {
			parts = append(parts, label(typeLabel, t.Type)+" : "+itoa(t.Nombre))
		}
		d.SetFont(family, "", textPt)
		d.CellFormat(width, lineH, "Par type — "+strings.Join(parts, ", "), "", 1, "L", false, 0, "")
	}
}

// writeAvailability draws the availability of the critical equipment, the least available
// first. An equipment without a group was never stopped in the month: 100 %.
func writeAvailability(d *doc, critical []*ent.Equipement, r *stats.Result) {
	if len(critical) == 0 {
		d.paragraph("Aucun équipement critique.")
		return
	}
	byID := map[int]*float64{}
	if r != nil {
		for _, g := range r.Groups {
			if g.EquipementID != nil && g.Disponibilite != nil {
				byID[*g.EquipementID] = g.Disponibilite
			}
		}
	}
	ps := make([]point, 0, len(critical))
	for _, e := range critical {
		v, ok := byID[e.ID]
		if !ok {
			full := 100.0
			v = &full
		}
		ps = append(ps, point{e.Nom + " (" + e.Code + ")", v})
	}
	slices.SortStableFunc(ps, func(a, b point) int { return cmp.Or(cmp.Compare(*a.value, *b.value), cmp.Compare(a.label, b.label)) })
	note := ""
	if len(ps) > MaxCriticalBars {
		note = fmt.Sprintf(" — les %d moins disponibles sur %d", MaxCriticalBars, len(ps))
		ps = ps[:MaxCriticalBars]
	}
	d.ensure(float64(len(ps))*6.3 + 20)
	d.percentBars(chartArea{x: margin, y: d.GetY(), w: width, title: "Disponibilité sur le mois" + note}, ps)
}

// weekLabel names the ISO week starting at t, on two lines: "S48", "23/11".
func weekLabel(t time.Time) string {
	_, w := t.ISOWeek()
	return fmt.Sprintf("S%d\n%s", w, t.Format("02/01"))
}
