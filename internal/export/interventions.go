package export

import (
	"context"
	"fmt"
	"net/url"

	"entgo.io/contrib/entgql"

	"github.com/mifmaroc/erp/ent"
)

// interventionsQuery is the filter and order of the interventions list.
type interventionsQuery struct {
	where   *ent.InterventionWhereInput
	orderBy []*ent.InterventionOrder
}

func parseInterventions(q url.Values) (interventionsQuery, error) {
	var out interventionsQuery
	var where ent.InterventionWhereInput
	ok, err := decodeJSON(q, "where", &where)
	if err != nil {
		return out, err
	}
	if ok {
		out.where = &where
	}
	out.orderBy, err = decodeOrder(q, func(dir entgql.OrderDirection, name string) (*ent.InterventionOrder, error) {
		f := new(ent.InterventionOrderField)
		if err := f.UnmarshalGQL(name); err != nil {
			return nil, err
		}
		return &ent.InterventionOrder{Direction: dir, Field: f}, nil
	})
	return out, err
}

// interventionsSource reads the interventions list as the GraphQL connection does: the same
// filter and order through the generated pager, so that every filter of the list is an
// export filter, page after page by its cursors (keyset, whatever the order).
type interventionsSource struct {
	client *ent.Client
	q      interventionsQuery
}

func (s *interventionsSource) sheet() string { return "Interventions" }

func (s *interventionsSource) columns() []Column {
	return []Column{
		{"N°"}, {"Titre"}, {"Type"}, {"Statut"}, {"Priorité"}, {"Urgence"},
		{"Code équipement"}, {"Équipement"}, {"Client"}, {"Technicien"},
		{"Créée le"}, {"Prévue le"}, {"Date limite"}, {"Affectée le"}, {"Débutée le"}, {"Terminée le"}, {"Clôturée le"},
		{"Durée estimée (min)"}, {"Arrêt équipement"}, {"Validée par le client"}, {"Satisfaction (1 à 5)"},
	}
}

func (s *interventionsSource) count(ctx context.Context) (int, error) {
	q, err := s.q.where.Filter(s.client.Intervention.Query())
	if err != nil {
		return 0, fmt.Errorf("interventions filter: %w", err)
	}
	n, err := q.Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("counting interventions: %w", err)
	}
	return n, nil
}

func (s *interventionsSource) pages(ctx context.Context, size int, fn func([]row) error) error {
	var after *ent.Cursor
	for {
		conn, err := s.client.Intervention.Query().
			WithEquipement().
			WithClient().
			WithTechnicien(func(q *ent.TechnicienQuery) { q.WithUser() }).
			Paginate(ctx, after, &size, nil, nil, ent.WithInterventionOrder(s.q.orderBy), ent.WithInterventionFilter(s.q.where.Filter))
		if err != nil {
			return fmt.Errorf("reading interventions: %w", err)
		}
		rows := make([]row, len(conn.Edges))
		for i, e := range conn.Edges {
			rows[i] = interventionRow(e.Node)
		}
		if err := fn(rows); err != nil {
			return err
		}
		if !conn.PageInfo.HasNextPage || conn.PageInfo.EndCursor == nil {
			return nil
		}
		after = conn.PageInfo.EndCursor
	}
}

func interventionRow(n *ent.Intervention) row {
	var code, equipement, client, technicien any
	if e := n.Edges.Equipement; e != nil {
		code, equipement = e.Code, e.Nom
	}
	if c := n.Edges.Client; c != nil {
		client = c.Nom
	}
	if t := n.Edges.Technicien; t != nil && t.Edges.User != nil {
		technicien = t.Edges.User.NomComplet
	}
	return row{
		n.ID, n.Titre, string(n.Type), string(n.Statut), string(n.Priorite), n.Urgence,
		code, equipement, client, technicien,
		n.DateCreation, timeOrNil(n.DatePrevue), timeOrNil(n.DateLimite), timeOrNil(n.DateAffectation),
		timeOrNil(n.DateDebut), timeOrNil(n.DateFin), timeOrNil(n.DateCloture),
		intOrNil(n.DureeEstimee), n.ArretEquipement, n.ValidationClient, intOrNil(n.SatisfactionClient),
	}
}
