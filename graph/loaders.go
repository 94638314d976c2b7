package graph

import (
	"context"
	"fmt"
	"sync"
	"time"

	"entgo.io/ent/dialect/sql"
	"github.com/graph-gophers/dataloader/v7"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/contrat"
	"github.com/mifmaroc/erp/ent/document"
	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/ent/historiqueintervention"
	"github.com/mifmaroc/erp/ent/interventionpiece"
	"github.com/mifmaroc/erp/ent/piece"
	"github.com/mifmaroc/erp/ent/planning"
	"github.com/mifmaroc/erp/ent/pointchecklist"
	"github.com/mifmaroc/erp/ent/relevecompteur"
	"github.com/mifmaroc/erp/ent/societe"
	"github.com/mifmaroc/erp/ent/technicien"
	"github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/internal/emplacement"
	"github.com/mifmaroc/erp/internal/render"
)

// Edges reach the resolvers in one of two ways. Lists and node(id:) go through entgql's
// field collection, which loads every requested edge level in one statement before any
// field resolves: the edge resolvers then only read what is there. Everything else (the
// results of mutations, subscription events, entities built by services) arrives bare; the
// edge resolvers then ask these per-operation loaders: an element of a list reads the edge
// of all its siblings in one statement, a lone entity waits loaderWait for the keys other
// fields ask. The batch runs with the viewer of the operation, so the access rules of
// internal/access apply unchanged.
type loaders struct {
	equipement   *edgeLoader[*ent.Equipement]
	technicien   *edgeLoader[*ent.Technicien]
	user         *edgeLoader[*ent.User]
	societe      *edgeLoader[*ent.Societe]
	contrat      *edgeLoader[*ent.Contrat]
	planning     *edgeLoader[*ent.Planning]
	piece        *edgeLoader[*ent.Piece]
	documents    *edgeLoader[[]*ent.Document]               // by intervention
	historique   *edgeLoader[[]*ent.HistoriqueIntervention] // by intervention
	checklist    *edgeLoader[[]*ent.PointChecklist]         // by intervention
	utilisations *edgeLoader[[]*ent.InterventionPiece]      // by intervention, with their parts
	chemin       *edgeLoader[[]*ent.Emplacement]            // by place: its path from the root
	releves      *edgeLoader[[]*ent.ReleveCompteur]         // by meter, in date order
}

// edgeLoader is a DataLoader that can also read the keys of a whole list at once.
type edgeLoader[V any] struct {
	*dataloader.Loader[int, V]
	batch dataloader.BatchFunc[int, V]
	// order is the order of a list edge's rows (ent.Shapes), for the lists field collection
	// reads unordered.
	order []string
	mu    sync.Mutex
	asked map[int]bool
}

func newEdgeLoader[V any](batch dataloader.BatchFunc[int, V]) *edgeLoader[V] {
	// A page holds at most MaxPageSize rows: a full batch goes at once, without waiting.
	l := dataloader.NewBatchedLoader(batch, dataloader.WithWait[int, V](loaderWait), dataloader.WithBatchCapacity[int, V](MaxPageSize))
	return &edgeLoader[V]{Loader: l, batch: batch, asked: map[int]bool{}}
}

// load returns key's value. keys are those of the list key's row is in (its siblings' and
// its own), when known: the first of them asked reads them all in one statement and primes
// the cache, so that a list costs one statement however its elements' resolvers are
// scheduled. Alone, key waits loaderWait for the keys other fields ask.
func (x *edgeLoader[V]) load(ctx context.Context, key int, keys []int) (V, error) {
	if len(keys) > 1 {
		x.mu.Lock()
		if !x.asked[key] {
			todo := make([]int, 0, len(keys))
			for _, k := range keys {
				if !x.asked[k] {
					x.asked[k] = true
					todo = append(todo, k)
				}
			}
			for i, res := range x.batch(ctx, todo) {
				if res.Error == nil {
					x.Prime(ctx, todo[i], res.Data)
				}
			}
		}
		x.mu.Unlock()
	}
	return x.Load(ctx, key)()
}

// loaderWait is how long a lone key waits for the keys other fields ask.
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
		documents: byParent(ent.TypeIntervention, "documents", func(ctx context.Context, ids []int, order func(*sql.Selector)) ([]*ent.Document, error) {
			return c.Document.Query().Where(document.InterventionIDIn(ids...)).Order(order).All(ctx)
		}, func(e *ent.Document) int { return *e.InterventionID }), // set: the query asks for it
		historique: byParent(ent.TypeIntervention, "historique", func(ctx context.Context, ids []int, order func(*sql.Selector)) ([]*ent.HistoriqueIntervention, error) {
			return c.HistoriqueIntervention.Query().Where(historiqueintervention.InterventionIDIn(ids...)).Order(order).All(ctx)
		}, func(e *ent.HistoriqueIntervention) int { return e.InterventionID }),
		checklist: byParent(ent.TypeIntervention, "checklist", func(ctx context.Context, ids []int, order func(*sql.Selector)) ([]*ent.PointChecklist, error) {
			return c.PointChecklist.Query().Where(pointchecklist.InterventionIDIn(ids...)).Order(order).All(ctx)
		}, func(e *ent.PointChecklist) int { return e.InterventionID }),
		utilisations: byParent(ent.TypeIntervention, "utilisations", func(ctx context.Context, ids []int, order func(*sql.Selector)) ([]*ent.InterventionPiece, error) {
			return c.InterventionPiece.Query().Where(interventionpiece.InterventionIDIn(ids...)).WithPiece().Order(order).All(ctx)
		}, func(e *ent.InterventionPiece) int { return e.InterventionID }),
		releves: newEdgeLoader(func(ctx context.Context, ids []int) []*dataloader.Result[[]*ent.ReleveCompteur] {
			rows, err := c.ReleveCompteur.Query().Where(relevecompteur.CompteurIDIn(ids...)).
				Order(ent.Asc(relevecompteur.FieldCompteurID, relevecompteur.FieldDateReleve)).All(ctx)
			byMeter := make(map[int][]*ent.ReleveCompteur, len(ids))
			for _, r := range rows {
				byMeter[r.CompteurID] = append(byMeter[r.CompteurID], r)
			}
			out := make([]*dataloader.Result[[]*ent.ReleveCompteur], len(ids))
			for i, id := range ids {
				out[i] = &dataloader.Result[[]*ent.ReleveCompteur]{Data: byMeter[id], Error: err}
			}
			return out
		}),
		chemin: newEdgeLoader(func(ctx context.Context, ids []int) []*dataloader.Result[[]*ent.Emplacement] {
			paths, err := emplacement.Chemins(ctx, c, ids)
			out := make([]*dataloader.Result[[]*ent.Emplacement], len(ids))
			for i, id := range ids {
				out[i] = &dataloader.Result[[]*ent.Emplacement]{Data: paths[id], Error: err}
			}
			return out
		}),
	}
}

// byID loads rows by their ids; an id that matches no visible row gives nil.
func byID[V any](query func(context.Context, []int) ([]V, error), id func(V) int) *edgeLoader[V] {
	return newEdgeLoader(func(ctx context.Context, ids []int) []*dataloader.Result[V] {
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
	})
}

// byParent loads the rows of the list edge of typ hanging from each parent id, in the edge's
// order (ent.Shapes); a parent without any gets an empty list.
func byParent[V any](typ, edge string, query func(context.Context, []int, func(*sql.Selector)) ([]V, error), parent func(V) int) *edgeLoader[[]V] {
	order := ent.Shapes[typ].Edges[edge].Order
	if len(order) == 0 {
		panic(fmt.Sprintf("loaders: %s has no list edge %s", typ, edge))
	}
	l := newEdgeLoader(func(ctx context.Context, ids []int) []*dataloader.Result[[]V] {
		rows, err := query(ctx, ids, ent.Asc(order...))
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
	})
	l.order = order
	return l
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

// toOne resolves obj's unique edge: what field collection loaded, nothing when the foreign
// key (fk) is unset, else the loader, with the keys of obj's siblings.
func toOne[T, V any](ctx context.Context, obj T, loaded func() (*V, error), fk func(T) *int, l *edgeLoader[*V]) (*V, error) {
	if v, err := loaded(); err == nil || ent.IsNotFound(err) {
		return v, nil // loaded, possibly empty
	}
	key := fk(obj)
	if key == nil {
		return nil, nil
	}
	var keys []int
	for _, s := range siblings[T](ctx) {
		if k := fk(s); k != nil {
			keys = append(keys, *k)
		}
	}
	return l.load(ctx, *key, keys)
}

// toMany resolves a list edge of iv: what field collection loaded under the field's alias
// (entgql stores collected lists by alias), or what a service loaded, put in the edge's
// order (entgql's collection reads them in no order), else the loader.
func toMany[V any](ctx context.Context, iv *ent.Intervention, named func(string) ([]V, error), loaded func() ([]V, error), l *edgeLoader[[]V]) ([]V, error) {
	if v, ok := collected(ctx, named, loaded); ok {
		return render.Sorted(v, l.order), nil
	}
	return l.load(ctx, iv.ID, siblingIDs(ctx))
}
