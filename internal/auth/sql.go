package auth

// The statements of this package that do not go through ent's query API. Everything else
// in auth reads and writes through ent; what is here is written with ent's SQL builder
// (so both dialects get their own quoting and placeholders) and run directly, each for the
// reason its comment gives.

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect/sql"

	"github.com/mifmaroc/erp/ent/refreshtoken"
	"github.com/mifmaroc/erp/ent/technicien"
	"github.com/mifmaroc/erp/ent/user"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
)

// loadViewer reads the user with his client company (a column of his own row), the id of
// his technician profile and his sites (a row each), and whether the session is alive (a
// refresh token of its family neither revoked nor expired), in one statement. It is not an ent query because every
// authenticated request runs it (when the viewer cache misses): ent would read the user, then
// his profile and his session in statements of their own, where this joins them and asks
// EXISTS in one round trip, run prepared. The company is taken only for a CLIENT account,
// so that a link left on another role never widens what it reads.
func (s *Service) loadViewer(ctx context.Context, id int, session string) (cachedViewer, error) {
	d := sql.Dialect(s.Dialect)
	// Explicit aliases: the builder would otherwise alias joined tables behind our back.
	u, t := d.Table(user.Table).As("u"), d.Table(technicien.Table).As("t")
	site := d.Table(user.SitesTable).As("s")
	r := d.Table(refreshtoken.Table).As("r")
	// Revocation is what ends a session; expiry is checked too so that a session cannot
	// outlive its last refresh token, whatever the two lifetimes are configured to. The
	// family is indexed.
	alive := d.Select().AppendSelectExpr(sql.Expr("1")).From(r).Where(sql.And(
		sql.EQ(r.C(refreshtoken.FieldFamily), session),
		sql.ColumnsEQ(r.C(refreshtoken.FieldUserID), u.C(user.FieldID)),
		sql.IsNull(r.C(refreshtoken.FieldRevokedAt)),
		sql.GT(r.C(refreshtoken.FieldExpiresAt), s.Tokens.Now()),
	))
	q := d.Select(u.C(user.FieldID), u.C(user.FieldEmail), u.C(user.FieldRole), u.C(user.FieldIsActive),
		u.C(user.FieldTokenVersion), u.C(user.FieldDeletedAt), u.C(user.FieldMustChangePassword), t.C(technicien.FieldID), u.C(user.FieldSocieteID), site.C(user.SitesPrimaryKey[1])).
		AppendSelectExpr(sql.Exists(alive)).
		From(u).
		LeftJoin(t).On(t.C(technicien.FieldUserID), u.C(user.FieldID)).
		LeftJoin(site).On(site.C(user.SitesPrimaryKey[0]), u.C(user.FieldID)).
		Where(sql.EQ(u.C(user.FieldID), id))
	query, args := q.Query()
	// Every request runs it: prepared once, planned once.
	rows, err := s.Client.QueryContext(database.Prepared(ctx), query, args...)
	if err != nil {
		return cachedViewer{}, fmt.Errorf("loading user %d: %w", id, err)
	}
	defer func() { _ = rows.Close() }()
	if !rows.Next() {
		return cachedViewer{}, rows.Err()
	}
	var (
		e          = cachedViewer{found: true}
		role       string
		active     bool
		deletedAt  sql.NullTime
		techID, so sql.NullInt64
		siteID     sql.NullInt64
	)
	// One row per site (one row without any): the user's columns repeat.
	dest := []any{&e.v.UserID, &e.v.Email, &role, &active, &e.version, &deletedAt, &e.v.MustChangePassword, &techID, &so, &siteID, &e.session}
	var sites []int
	for more := true; more; more = rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return cachedViewer{}, fmt.Errorf("reading user %d: %w", id, err)
		}
		if siteID.Valid {
			sites = append(sites, int(siteID.Int64))
		}
	}
	e.v.Role = domain.Role(role)
	e.v.TechnicienID = int(techID.Int64)
	if e.v.Role == domain.RoleClient {
		e.v.SocieteID = int(so.Int64)
	}
	e.active = active && !deletedAt.Valid
	if e.v.Role == domain.RoleResponsable {
		e.v.Sites = sites
	}
	return e, rows.Err()
}
