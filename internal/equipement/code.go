package equipement

import (
	"context"
	"strings"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/internal/domain"
)

// ParCode is the equipement whose code is code, as the viewer of ctx reads it, or nil when
// there is none or he may not read it (the access rules hide it as if it did not exist): what
// the frontend asks when a QR code of a label is scanned. Errors: BAD_USER_INPUT (an empty
// code).
func (s *Service) ParCode(ctx context.Context, code string) (*ent.Equipement, error) {
	if strings.TrimSpace(code) == "" {
		return nil, domain.Errorf(domain.CodeBadUserInput, "code is empty: give the code printed on the label")
	}
	e, err := s.Client.Equipement.Query().Where(equipement.Code(code)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return e, err
}
