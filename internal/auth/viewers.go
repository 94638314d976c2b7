package auth

import (
	"context"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/hashicorp/golang-lru/v2/expirable"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Every request checks its token against the user's row (active, not deleted, token version,
// role, technician and company) and its session (a live refresh token of its family): a
// statement and a round trip, a fifth of a simple request's CPU. viewerCache keeps what that
// check read for a moment (AUTH_CACHE_TTL, 1 s by default; 0 turns it off), per user and
// session. Any write to users, technicians or companies through this server, and any update
// or deletion of refresh tokens (logout, reuse, password change revoke them), empties it at
// once, so a logout, a deactivation or a role change take effect on the next request here;
// another replica, or a change made outside the server, takes effect within the TTL.

// A token's signature and claims never change, so the cache also keeps the claims of the
// tokens it verified (a JWT's parse and HMAC are a tenth of a small request's CPU), until
// they expire; whether they still open a session is the user's check above.

// maxCachedViewers bounds each part of the cache; past it, the least recently used go.
const maxCachedViewers = 10000

// viewerCache is two bounded LRU maps (hashicorp/golang-lru): the checks' reads, which also
// expire after the TTL on the wall clock, and the verified claims. Entries carry their own
// deadline on the service's clock too, which is what tests move.
type viewerCache struct {
	ttl       time.Duration
	now       func() time.Time
	bySession *expirable.LRU[sessionKey, cachedViewer]
	byToken   *lru.Cache[string, *Claims]
}

// sessionKey is what one check reads: a user and one of his sessions.
type sessionKey struct {
	user    int
	session string
}

// cachedViewer is what a check read: the user (found false: no such user), whether the
// account is usable, its token version and whether the session is alive.
type cachedViewer struct {
	v       viewer.Viewer
	found   bool
	active  bool
	version int
	session bool
	until   time.Time
}

func (c *viewerCache) get(k sessionKey) (cachedViewer, bool) {
	if c == nil {
		return cachedViewer{}, false
	}
	e, ok := c.bySession.Get(k)
	if !ok || !c.now().Before(e.until) {
		return cachedViewer{}, false
	}
	return e, true
}

func (c *viewerCache) put(k sessionKey, e cachedViewer) {
	if c == nil {
		return
	}
	e.until = c.now().Add(c.ttl)
	c.bySession.Add(k, e)
}

// claims returns the claims of token if it was verified and has not expired since.
func (c *viewerCache) claims(token string) (*Claims, bool) {
	if c == nil {
		return nil, false
	}
	cl, ok := c.byToken.Get(token)
	if !ok || cl.ExpiresAt == nil || !c.now().Before(cl.ExpiresAt.Add(tokenLeeway)) {
		return nil, false
	}
	return cl, true
}

func (c *viewerCache) putClaims(token string, cl *Claims) {
	if c == nil {
		return
	}
	c.byToken.Add(token, cl)
}

func (c *viewerCache) clear() { c.bySession.Purge() }

// CacheViewers keeps the token checks' reads for ttl (0: never) and empties that cache
// whenever client writes a user, a technician or a company, or updates or deletes a refresh
// token. A new refresh token ends no session, so creating one keeps the cache.
func (s *Service) CacheViewers(ttl time.Duration) {
	if ttl <= 0 {
		s.viewers = nil
		return
	}
	tokens, err := lru.New[string, *Claims](maxCachedViewers)
	if err != nil {
		panic(err) // only for a size below 1
	}
	c := &viewerCache{ttl: ttl, now: s.Tokens.Now, byToken: tokens,
		bySession: expirable.NewLRU[sessionKey, cachedViewer](maxCachedViewers, nil, ttl)}
	s.viewers = c
	s.Client.Use(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			switch {
			case m.Type() == ent.TypeUser, m.Type() == ent.TypeTechnicien, m.Type() == ent.TypeSociete,
				m.Type() == ent.TypeRefreshToken && !m.Op().Is(ent.OpCreate):
				// Before, and again after the write, so that no check that read the old row
				// in between keeps it.
				c.clear()
				defer c.clear()
			}
			return next.Mutate(ctx, m)
		})
	})
}

// parseToken is Tokens.Parse through the cache.
func (s *Service) parseToken(token string) (*Claims, error) {
	if c, ok := s.viewers.claims(token); ok {
		return c, nil
	}
	c, err := s.Tokens.Parse(token)
	if err != nil {
		return nil, err
	}
	s.viewers.putClaims(token, c)
	return c, nil
}

// checkedViewer is loadViewer through the cache.
func (s *Service) checkedViewer(ctx context.Context, id int, session string) (cachedViewer, error) {
	k := sessionKey{user: id, session: session}
	if e, ok := s.viewers.get(k); ok {
		return e, nil
	}
	e, err := s.loadViewer(ctx, id, session)
	if err != nil {
		return cachedViewer{}, err
	}
	s.viewers.put(k, e)
	return e, nil
}
