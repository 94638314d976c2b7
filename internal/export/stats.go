package export

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/ent/societe"
	"github.com/mifmaroc/erp/ent/technicien"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/stats"
)

// parseStats reads the arguments of maintenanceStats: from and to (RFC 3339), groupBy (a
// comma-separated list or a JSON list), where and equipements (JSON inputs).
func parseStats(q url.Values) (stats.Query, error) {
	var out stats.Query
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"from", &out.From}, {"to", &out.To}} {
		raw := q.Get(p.name)
		if raw == "" {
			return out, domain.Errorf(domain.CodeBadUserInput, "parameter %s is required (RFC 3339, e.g. 2026-01-01T00:00:00Z)", p.name)
		}
		t, err := time.Parse(time.RFC3339, raw)
		if err != nil {
			return out, domain.Errorf(domain.CodeBadUserInput, "parameter %s: %q is not an RFC 3339 time (e.g. 2026-01-01T00:00:00Z)", p.name, raw)
		}
		*p.t = t
	}
	if raw := strings.Trim(q.Get("groupBy"), "[]"); raw != "" {
		for _, g := range strings.Split(raw, ",") {
			g = strings.Trim(strings.TrimSpace(g), `"`)
			if !slices.Contains(domain.StatsGroupBy("").Values(), g) {
				return out, domain.Errorf(domain.CodeBadUserInput, "parameter groupBy: %q is none of %s", g, strings.Join(domain.StatsGroupBy("").Values(), ", "))
			}
			out.GroupBy = append(out.GroupBy, domain.StatsGroupBy(g))
		}
	}
	var where ent.InterventionWhereInput
	if ok, err := decodeJSON(q, "where", &where); err != nil {
		return out, err
	} else if ok {
		out.Where = &where
	}
	var eq ent.EquipementWhereInput
	if ok, err := decodeJSON(q, "equipements", &eq); err != nil {
		return out, err
	} else if ok {
		out.Equipements = &eq
	}
	return out, nil
}

// statsSource is maintenanceStats, one row per group with every figure. The groups are
// computed whole (internal/stats aggregates in the database and bounds their number); only
// they are held, never the interventions.
type statsSource struct {
	svc    *stats.Service
	client *ent.Client
	q      stats.Query
	res    *stats.Result
	names  map[domain.StatsGroupBy]map[int]string
}

func (s *statsSource) sheet() string { return "Statistiques" }

func (s *statsSource) grouped(g domain.StatsGroupBy) bool { return slices.Contains(s.q.GroupBy, g) }

func (s *statsSource) columns() []Column {
	var cols []Column
	for _, d := range []struct {
		g      domain.StatsGroupBy
		header string
	}{{domain.StatsEquipement, "Équipement"}, {domain.StatsTechnicien, "Technicien"}, {domain.StatsClient, "Client"}, {domain.StatsType, "Type"}} {
		if s.grouped(d.g) {
			cols = append(cols, Column{d.header})
		}
	}
	cols = append(cols, Column{"Début"}, Column{"Fin"}, Column{"Interventions"})
	for _, st := range domain.InterventionStatut("").Values() {
		cols = append(cols, Column{"Statut " + st})
	}
	for _, t := range domain.InterventionType("").Values() {
		cols = append(cols, Column{"Type " + t})
	}
	return append(cols,
		Column{"Backlog"}, Column{"Réparations"}, Column{"MTTR (h)"}, Column{"Réussite 1re intervention (%)"},
		Column{"Arrêt (h)"}, Column{"Pannes"}, Column{"Équipements"}, Column{"Disponibilité (%)"}, Column{"MTBF (h)"},
		Column{"Interventions avec SLA"}, Column{"Respect SLA (%)"}, Column{"Préventives dues"}, Column{"Conformité préventive (%)"},
		Column{"Coût main-d'œuvre (MAD)"}, Column{"Coût pièces (MAD)"},
	)
}

func (s *statsSource) count(ctx context.Context) (int, error) {
	res, err := s.svc.Compute(ctx, s.q)
	if err != nil {
		return 0, err
	}
	s.res = res
	return len(res.Groups), nil
}

// labels names the equipment, technicians and clients of the groups, as the viewer reads
// them (an id he may not read stays a number).
func (s *statsSource) labels(ctx context.Context) error {
	ids := map[domain.StatsGroupBy][]int{}
	for _, g := range s.res.Groups {
		for dim, id := range map[domain.StatsGroupBy]*int{domain.StatsEquipement: g.EquipementID, domain.StatsTechnicien: g.TechnicienID, domain.StatsClient: g.ClientID} {
			if id != nil {
				ids[dim] = append(ids[dim], *id)
			}
		}
	}
	s.names = map[domain.StatsGroupBy]map[int]string{domain.StatsEquipement: {}, domain.StatsTechnicien: {}, domain.StatsClient: {}}
	if len(ids[domain.StatsEquipement]) > 0 {
		es, err := s.client.Equipement.Query().Where(equipement.IDIn(ids[domain.StatsEquipement]...)).All(ctx)
		if err != nil {
			return fmt.Errorf("naming equipment: %w", err)
		}
		for _, e := range es {
			s.names[domain.StatsEquipement][e.ID] = e.Code + " — " + e.Nom
		}
	}
	if len(ids[domain.StatsTechnicien]) > 0 {
		ts, err := s.client.Technicien.Query().Where(technicien.IDIn(ids[domain.StatsTechnicien]...)).WithUser().All(ctx)
		if err != nil {
			return fmt.Errorf("naming technicians: %w", err)
		}
		for _, t := range ts {
			if t.Edges.User != nil {
				s.names[domain.StatsTechnicien][t.ID] = t.Edges.User.NomComplet
			}
		}
	}
	if len(ids[domain.StatsClient]) > 0 {
		cs, err := s.client.Societe.Query().Where(societe.IDIn(ids[domain.StatsClient]...)).All(ctx)
		if err != nil {
			return fmt.Errorf("naming clients: %w", err)
		}
		for _, c := range cs {
			s.names[domain.StatsClient][c.ID] = c.Nom
		}
	}
	return nil
}

func (s *statsSource) name(dim domain.StatsGroupBy, id *int) any {
	if id == nil {
		return nil
	}
	if n, ok := s.names[dim][*id]; ok {
		return n
	}
	return "n° " + strconv.Itoa(*id)
}

func (s *statsSource) pages(ctx context.Context, size int, fn func([]row) error) error {
	if err := s.labels(ctx); err != nil {
		return err
	}
	for chunk := range slices.Chunk(s.res.Groups, size) {
		rows := make([]row, len(chunk))
		for i, g := range chunk {
			rows[i] = s.row(g)
		}
		if err := fn(rows); err != nil {
			return err
		}
	}
	return nil
}

func (s *statsSource) row(g *stats.Group) row {
	var r row
	for _, dim := range []domain.StatsGroupBy{domain.StatsEquipement, domain.StatsTechnicien, domain.StatsClient} {
		if s.grouped(dim) {
			r = append(r, s.name(dim, map[domain.StatsGroupBy]*int{domain.StatsEquipement: g.EquipementID, domain.StatsTechnicien: g.TechnicienID, domain.StatsClient: g.ClientID}[dim]))
		}
	}
	if s.grouped(domain.StatsType) {
		if g.Type != nil {
			r = append(r, string(*g.Type))
		} else {
			r = append(r, nil)
		}
	}
	r = append(r, g.Debut, g.Fin, g.Interventions)
	for _, st := range domain.InterventionStatut("").Values() {
		n := 0
		for _, c := range g.ParStatut {
			if string(c.Statut) == st {
				n = c.Nombre
			}
		}
		r = append(r, n)
	}
	for _, t := range domain.InterventionType("").Values() {
		n := 0
		for _, c := range g.ParType {
			if string(c.Type) == t {
				n = c.Nombre
			}
		}
		r = append(r, n)
	}
	return append(r,
		g.Backlog, g.Reparations, floatOrNil(g.MttrHeures), floatOrNil(g.PremiereInterventionReussie),
		floatOrNil(g.ArretHeures), intOrNil(g.Pannes), intOrNil(g.Equipements), floatOrNil(g.Disponibilite), floatOrNil(g.MtbfHeures),
		g.SlaConcernees, floatOrNil(g.RespectSla), g.PreventivesConcernees, floatOrNil(g.ConformitePreventive),
		Centimes(g.CoutMainOeuvreCentimes), Centimes(g.CoutPiecesCentimes),
	)
}

func floatOrNil(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}
