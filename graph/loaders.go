package graph

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/graph-gophers/dataloader/v7"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/contrat"
	"github.com/mifmaroc/erp/ent/document"
	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/ent/historiqueintervention"
	"github.com/mifmaroc/erp/ent/interventionpiece"
	"github.com/mifmaroc/erp/ent/piece"
	"github.com/mifmaroc/erp/ent/planning"
	"github.com/mifmaroc/erp/ent/societe"
	"github.com/mifmaroc/erp/ent/technicien"
	"github.com/mifmaroc/erp/ent/user"
)

// Edges reach the resolvers in one of two ways. Lists and node(id:) go through entgql's
// field collection, which loads every requested edge level in one statement before any
// field resolves: the edge resolvers then only read what is there. Everything else (the
// results of mutations, subscription events, entities built by services) arrives bare; the
// edge resolvers then ask these per-operation loaders, which gather the keys that sibling
// fields ask for within loaderWait and read them in one statement per edge. The batch runs
// with the viewer of the operation, so the access rules of internal/access apply unchanged.
type loaders struct {
	equipement   *dataloader.Loader[int, *ent.Equipement]
	technicien   *dataloader.Loader[int, *ent.Technicien]
	user         *dataloader.Loader[int, *ent.User]
	societe      *dataloader.Loader[int, *ent.Societe]
	contrat      *dataloader.Loader[int, *ent.Contrat]
	planning     *dataloader.Loader[int, *ent.Planning]
	piece        *dataloader.Loader[int, *ent.Piece]
	documents    *dataloader.Loader[int, []*ent.Document]               // by intervention
	historique   *dataloader.Loader[int, []*ent.HistoriqueIntervention] // by intervention
	utilisations *dataloader.Loader[int, []*ent.InterventionPiece]      // by intervention, with their parts
}

// loaderWait is how long a loader waits for sibling keys: gqlgen resolves the elements of a
// list concurrently, so they arrive within microseconds of each other.
const loaderWait = 500 * time.Microsecond

func newLoaders(c *ent.Client) *loaders {
	return &loaders{
		equipement: byID(func(ctx context.Context, ids []int) ([]*ent.Equipement, error) {
			return c.Equipement.Query().Where(equipement.IDIn(ids...)).All(ctx)
		}, func(e *ent.Equipement) int { return e.ID }),
		technicien: byID(func(ctx context.Context, ids []int) ([]*ent.Technicien, error) {
			return c.Technicien.Query().Where(technicien.IDIn(ids...)).All(ctx)
		}, func(e *ent.Technicien) int { return e.ID }),
		user: byID(func(ctx context.Context, ids []int) ([]*ent.User, error) {
			return c.User.Query().Where(user.IDIn(ids...)).All(ctx)
		}, func(e *ent.User) int { return e.ID }),
		societe: byID(func(ctx context.Context, ids []int) ([]*ent.Societe, error) {
			return c.Societe.Query().Where(societe.IDIn(ids...)).All(ctx)
		}, func(e *ent.Societe) int { return e.ID }),
		contrat: byID(func(ctx context.Context, ids []int) ([]*ent.Contrat, error) {
			return c.Contrat.Query().Where(contrat.IDIn(ids...)).All(ctx)
		}, func(e *ent.Contrat) int { return e.ID }),
		planning: byID(func(ctx context.Context, ids []int) ([]*ent.Planning, error) {
			return c.Planning.Query().Where(planning.IDIn(ids...)).All(ctx)
		}, func(e *ent.Planning) int { return e.ID }),
		piece: byID(func(ctx context.Context, ids []int) ([]*ent.Piece, error) {
			return c.Piece.Query().Where(piece.IDIn(ids...)).All(ctx)
		}, func(e *ent.Piece) int { return e.ID }),
		documents: byParent(func(ctx context.Context, ids []int) ([]*ent.Document, error) {
			return c.Document.Query().Where(document.InterventionIDIn(ids...)).
				Order(ent.Asc(document.FieldID)).All(ctx)
		}, func(e *ent.Document) int { return e.InterventionID }),
		historique: byParent(func(ctx context.Context, ids []int) ([]*ent.HistoriqueIntervention, error) {
			return c.HistoriqueIntervention.Query().Where(historiqueintervention.InterventionIDIn(ids...)).
				Order(ent.Asc(historiqueintervention.FieldHorodatage), ent.Asc(historiqueintervention.FieldID)).All(ctx)
		}, func(e *ent.HistoriqueIntervention) int { return e.InterventionID }),
		utilisations: byParent(func(ctx context.Context, ids []int) ([]*ent.InterventionPiece, error) {
			return c.InterventionPiece.Query().Where(interventionpiece.InterventionIDIn(ids...)).
				WithPiece().Order(ent.Asc(interventionpiece.FieldID)).All(ctx)
		}, func(e *ent.InterventionPiece) int { return e.InterventionID }),
	}
}

func loaderOptions[V any]() []dataloader.Option[int, V] {
	// A page holds at most MaxPageSize rows: a full batch goes at once, without waiting.
	return []dataloader.Option[int, V]{dataloader.WithWait[int, V](loaderWait), dataloader.WithBatchCapacity[int, V](MaxPageSize)}
}

// byID loads rows by their ids; an id that matches no visible row gives nil.
func byID[V any](query func(context.Context, []int) ([]V, error), id func(V) int) *dataloader.Loader[int, V] {
	return dataloader.NewBatchedLoader(func(ctx context.Context, ids []int) []*dataloader.Result[V] {
		rows, err := query(ctx, ids)
		out := make([]*dataloader.Result[V], len(ids))
		found := make(map[int]V, len(rows))
		for _, r := range rows {
			found[id(r)] = r
		}
		for i, k := range ids {
			out[i] = &dataloader.Result[V]{Data: found[k], Error: err}
		}
		return out
	}, loaderOptions[V]()...)
}

// byParent loads the rows hanging from each parent id; a parent without any gets an empty list.
func byParent[V any](query func(context.Context, []int) ([]V, error), parent func(V) int) *dataloader.Loader[int, []V] {
	return dataloader.NewBatchedLoader(func(ctx context.Context, ids []int) []*dataloader.Result[[]V] {
		rows, err := query(ctx, ids)
		groups := make(map[int][]V, len(ids))
		for _, r := range rows {
			groups[parent(r)] = append(groups[parent(r)], r)
		}
		out := make([]*dataloader.Result[[]V], len(ids))
		for i, k := range ids {
			g := groups[k]
			if g == nil {
				g = []V{}
			}
			out[i] = &dataloader.Result[[]V]{Data: g, Error: err}
		}
		return out
	}, loaderOptions[[]V]()...)
}

// loadersFrom returns the operation's loaders; outside an operation (a test calling a
// resolver directly) a fresh set that batches nothing across calls.
func (r *Resolver) loadersFrom(ctx context.Context) *loaders {
	if c, _ := ctx.Value(cacheKey{}).(*requestCache); c != nil {
		c.loadersOnce.Do(func() { c.loaders = newLoaders(r.client) })
		return c.loaders
	}
	return newLoaders(r.client)
}

// toOne resolves a unique edge: what field collection loaded, nothing when the foreign key
// is unset, else the loader.
func toOne[V any](ctx context.Context, loaded func() (*V, error), fk *int, l *dataloader.Loader[int, *V]) (*V, error) {
	if v, err := loaded(); err == nil || ent.IsNotFound(err) {
		return v, nil // loaded, possibly empty
	}
	if fk == nil {
		return nil, nil
	}
	return l.Load(ctx, *fk)()
}

// toMany resolves a list edge: what field collection loaded under the field's alias (entgql
// stores collected lists by alias), or what a service loaded, else the loader.
func toMany[V any](ctx context.Context, named func(string) ([]V, error), loaded func() ([]V, error), parent int, l *dataloader.Loader[int, []V]) ([]V, error) {
	if v, ok := collected(ctx, named, loaded); ok {
		return v, nil
	}
	return l.Load(ctx, parent)()
}

// collected is the list edge as field collection (under the field's alias) or a service
// loaded it, if either did.
func collected[V any](ctx context.Context, named func(string) ([]V, error), loaded func() ([]V, error)) ([]V, bool) {
	if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Field.Alias != "" {
		if v, err := named(fc.Field.Alias); err == nil {
			return v, true
		}
	}
	if v, err := loaded(); err == nil {
		return v, true
	}
	return nil, false
}
