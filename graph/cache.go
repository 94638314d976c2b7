package graph

import (
	"context"
	"sync"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/mifmaroc/erp/internal/render"
)

// boundedCache is a least-recently-used cache bounded by its number of entries and by an
// estimate of the bytes they hold. gqlgen's lru counts entries only, and its keys are the
// documents themselves: a thousand documents of a megabyte, which anyone may send, stayed
// in memory for good. An entry heavier than maxEntry is not kept at all, so that a few large
// documents cannot push out the many ordinary ones.
type boundedCache[T any] struct {
	mu       sync.Mutex
	lru      *simplelru.LRU[string, weighed[T]]
	bytes    int
	maxBytes int
	maxEntry int
	weigh    func(key string, v T) int
}

type weighed[T any] struct {
	v      T
	weight int
}

func newBoundedCache[T any](entries, maxBytes int, weigh func(string, T) int) *boundedCache[T] {
	c := &boundedCache[T]{maxBytes: maxBytes, maxEntry: maxBytes / 32, weigh: weigh}
	// Only a size below 1 is an error.
	c.lru, _ = simplelru.NewLRU(entries, func(_ string, e weighed[T]) { c.bytes -= e.weight })
	return c
}

// Get returns the value kept for key, if any, and marks it used.
func (c *boundedCache[T]) Get(_ context.Context, key string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.lru.Get(key)
	return e.v, ok
}

// Add keeps v for key, unless it weighs more than the cache keeps for one entry, then drops
// the least recently used entries until the cache is within its bytes.
func (c *boundedCache[T]) Add(_ context.Context, key string, v T) {
	w := c.weigh(key, v)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Remove(key)
	if w > c.maxEntry {
		return
	}
	c.lru.Add(key, weighed[T]{v, w})
	c.bytes += w
	for c.bytes > c.maxBytes {
		c.lru.RemoveOldest()
	}
}

// Remove forgets key.
func (c *boundedCache[T]) Remove(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Remove(key)
}

// Bytes is the estimate of what the entries hold.
func (c *boundedCache[T]) Bytes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}

// Cache sizes: entries, and bytes held (the figures behind them are in docs/decisions.md).
const (
	cachedEntries = 1000
	// cachedDocumentBytes bounds the parsed-query cache: its documents' text and syntax trees.
	cachedDocumentBytes = 16 << 20
	// cachedQueryBytes bounds the persisted queries' cache: the text of the queries.
	cachedQueryBytes = 4 << 20
	// cachedPlanBytes bounds the compiled selections of direct rendering: their keys (which
	// hold the document's text) and SQL.
	cachedPlanBytes = 8 << 20
	// cachedRenderBytes bounds the renderings of nodes kept for the next request while the
	// database does not change (render.Kept): a work order's weighs about 15 KB.
	cachedRenderBytes = 32 << 20
	// cachedCostBytes bounds the operations' costs: their keys, which hold the document's text.
	cachedCostBytes = 4 << 20
	// astNodeBytes is what the parser allocates for one node of a syntax tree, its position
	// and its share of the slices that hold it, a little over the measured average.
	astNodeBytes = 256
)

// documentCache is gqlgen's cache of parsed and validated documents.
type documentCache = boundedCache[*ast.QueryDocument]

func newDocumentCache() *documentCache {
	return newBoundedCache(cachedEntries, cachedDocumentBytes, func(query string, doc *ast.QueryDocument) int {
		var w docNodes
		w.document(doc)
		return len(query) + w.nodes*astNodeBytes
	})
}

// newQueryCache is the persisted queries' cache, from hash to query.
func newQueryCache() *boundedCache[string] {
	return newBoundedCache(cachedEntries, cachedQueryBytes, func(hash, query string) int { return len(hash) + len(query) })
}

// newCostCache keeps the cost of operations by document and operation name (limits).
func newCostCache() *boundedCache[int64] {
	return newBoundedCache(cachedEntries, cachedCostBytes, func(key string, _ int64) int { return len(key) + 8 })
}

// newPlanCache is direct rendering's cache of compiled selections, by document, operation
// and path. An entry weighs its key and its plan (render.Plan.Bytes).
func newPlanCache() *boundedCache[cachedPlan] {
	return newBoundedCache(cachedEntries, cachedPlanBytes, func(key string, c cachedPlan) int {
		return len(key) + c.plan.Bytes()
	})
}

// newRenderCache keeps the renderings of nodes by what they render (render.Plan.Key).
func newRenderCache() *boundedCache[render.Kept] {
	return newBoundedCache(cachedEntries, cachedRenderBytes, func(key string, k render.Kept) int {
		return len(key) + k.Bytes()
	})
}
