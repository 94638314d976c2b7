// Package viewer carries who is making a request through its context. The privacy rules of
// the data model (internal/access) and the GraphQL directives read it; the HTTP layer puts
// it there after checking the token. It imports only the domain vocabulary, so the ent
// schema may depend on it.
package viewer

import (
	"context"
	"slices"
	"strings"

	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/i18n"
)

// Viewer is an authenticated user as the access rules need it.
type Viewer struct {
	UserID       int
	Email        string
	Role         domain.Role
	TechnicienID int // 0 unless the user has a technician profile
	SocieteID    int // 0 unless the user is linked to a client company
	// Sites are the places a RESPONSABLE is scoped to: he sees and acts under them only.
	// Empty: everywhere, as every ADMIN.
	Sites []int
	// MustChangePassword: the password was set by an admin and not yet changed; the session
	// may only read me and change the password (graph).
	MustChangePassword bool
}

// Is reports whether the viewer has one of the roles.
func (v *Viewer) Is(roles ...domain.Role) bool {
	return v != nil && slices.Contains(roles, v.Role)
}

// Staff reports whether the viewer runs maintenance (ADMIN or RESPONSABLE): he sees all its
// data, under his sites when he is Scoped.
func (v *Viewer) Staff() bool { return v.Is(domain.RoleAdmin, domain.RoleResponsable) }

// Scoped reports whether the viewer is a RESPONSABLE limited to some sites (Sites).
func (v *Viewer) Scoped() bool { return v.Is(domain.RoleResponsable) && len(v.Sites) > 0 }

// Require is the role check of a service's write: FORBIDDEN unless the viewer has one of
// roles (or the server acts itself). Services decide who may write (internal/access only
// requires a viewer); what names the action in the refusal.
func Require(ctx context.Context, what string, roles ...domain.Role) error {
	if IsSystem(ctx) || FromContext(ctx).Is(roles...) {
		return nil
	}
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return domain.Errorf(domain.CodeForbidden, "only %s may %s", strings.Join(names, " and "), i18n.Text(what))
}

type ctxKey struct{}

type systemKey struct{}

// NewContext returns ctx carrying v.
func NewContext(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, ctxKey{}, v)
}

// FromContext returns the viewer of ctx, or nil for an anonymous request.
func FromContext(ctx context.Context) *Viewer {
	v, _ := ctx.Value(ctxKey{}).(*Viewer)
	return v
}

// SystemContext marks ctx as the server acting on its own behalf (start-up, login checks,
// scheduler, workers): the access rules let it read and write everything.
func SystemContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, systemKey{}, true)
}

// IsSystem reports whether ctx was made by SystemContext.
func IsSystem(ctx context.Context) bool {
	b, _ := ctx.Value(systemKey{}).(bool)
	return b
}

type ipKey struct{}

// WithIP returns ctx carrying the client's address, for the security log.
func WithIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, ipKey{}, ip)
}

// IP is the client's address carried by ctx, or "".
func IP(ctx context.Context) string {
	ip, _ := ctx.Value(ipKey{}).(string)
	return ip
}

type authErrKey struct{}

// WithAuthError records why a presented token was refused, so that the API can say so
// instead of a bare "authentication required".
func WithAuthError(ctx context.Context, err error) context.Context {
	return context.WithValue(ctx, authErrKey{}, err)
}

// AuthError is the refusal recorded by WithAuthError, or nil.
func AuthError(ctx context.Context) error {
	err, _ := ctx.Value(authErrKey{}).(error)
	return err
}
