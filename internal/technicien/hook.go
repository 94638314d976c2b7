package technicien

import (
	"context"
	"fmt"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/competence"
	"github.com/mifmaroc/erp/ent/hook"
	"github.com/mifmaroc/erp/internal/domain"
)

// RequiredSkillHook refuses an intervention that requires a skill missing from the
// catalogue with NOT_FOUND, as for its other links, whoever writes it (a service, the
// scheduler, an import); the foreign key alone would say CONFLICT.
func RequiredSkillHook() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.InterventionFunc(func(ctx context.Context, m *ent.InterventionMutation) (ent.Value, error) {
			if id, ok := m.CompetenceRequiseID(); ok {
				found, err := m.Client().Competence.Query().Where(competence.ID(id)).Exist(ctx)
				if err != nil {
					return nil, fmt.Errorf("reading the required competence %d: %w", id, err)
				}
				if !found {
					return nil, domain.Errorf(domain.CodeNotFound, "competence %d not found", id)
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}
