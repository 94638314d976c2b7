package clientele

import (
	"context"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
)

// CheckUserLink is the rule of an account's company (users.societe_id), read by
// internal/account when an admin creates or changes an account: only a CLIENT account is
// linked (BAD_USER_INPUT for another role), to a company that exists (NOT_FOUND) and is
// active (CONFLICT: an archived company takes no new account). Several accounts may share a
// company. The viewer of the account sees that company's data from its next request on (the
// token check reads the link, and any write to users empties its cache).
func CheckUserLink(ctx context.Context, c *ent.Client, role domain.Role, societeID int) error {
	if role != domain.RoleClient {
		return domain.Errorf(domain.CodeBadUserInput, "only a CLIENT account is linked to a client company, not a %s one", role)
	}
	_, err := TakesWork(ctx, c, societeID)
	return err
}
