package auth

import (
	"context"

	"github.com/mifmaroc/erp/internal/viewer"
)

// LinkViewer is the viewer of user id as his account stands now, for a signed link made for
// him (an export opened without the bearer token): the link holds no session, so the
// account alone is checked, and a role or company changed since the link was made applies.
// Errors: UNAUTHENTICATED (no such user, deactivated, deleted).
func (s *Service) LinkViewer(ctx context.Context, id int) (*viewer.Viewer, error) {
	e, err := s.loadViewer(ctx, id, "")
	if err != nil {
		return nil, err
	}
	if !e.found || !e.active {
		return nil, ErrSessionEnded
	}
	v := e.v
	return &v, nil
}
