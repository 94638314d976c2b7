package account

import (
	"context"
	"fmt"
	"slices"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/emplacement"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/viewer"
)

// SetSites scopes RESPONSABLE id to the places siteIDs: he then sees and acts under them only
// (internal/access); none gives him every site again. Any place may be a site of his, a
// building as well as a whole site. ADMIN only. Errors: FORBIDDEN, NOT_FOUND (user, place),
// CONFLICT (deleted account), BAD_USER_INPUT (not a RESPONSABLE).
func (s *Service) SetSites(ctx context.Context, id int, siteIDs []int) (*ent.User, error) {
	if err := viewer.Require(ctx, "scope responsables to sites", domain.RoleAdmin); err != nil {
		return nil, err
	}
	siteIDs = slices.Compact(slices.Sorted(slices.Values(siteIDs)))
	var out *ent.User
	err := database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
		u, err := tx.User.Get(ctx, id)
		switch {
		case ent.IsNotFound(err):
			return domain.Errorf(domain.CodeNotFound, "user %d not found", id)
		case err != nil:
			return err
		case u.DeletedAt != nil:
			return domain.Errorf(domain.CodeConflict, "user %d was deleted", id)
		case u.Role != domain.RoleResponsable:
			return domain.Errorf(domain.CodeBadUserInput, "userId: %s is %s: only a RESPONSABLE is scoped to sites", u.Email, u.Role)
		}
		found, err := tx.Emplacement.Query().Where(emplacement.IDIn(siteIDs...)).IDs(ctx)
		if err != nil {
			return fmt.Errorf("reading sites %v: %w", siteIDs, err)
		}
		for _, site := range siteIDs {
			if !slices.Contains(found, site) {
				return domain.Errorf(domain.CodeNotFound, "place %d not found", site)
			}
		}
		out, err = tx.User.UpdateOneID(id).ClearSites().AddSiteIDs(siteIDs...).Save(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("setting the sites of user %d: %w", id, err)
	}
	s.audit(ctx, "sites changed", "sites_changed", id, "sites", siteIDs)
	return out.Unwrap(), nil
}
