package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/mifmaroc/erp/internal/access"
	"github.com/mifmaroc/erp/internal/domain"
)

// SchedulerRun records one run of the preventive scheduler: what was due, what it created,
// what it skipped (already created) and what failed.
type SchedulerRun struct {
	ent.Schema
}

// Mixin of the SchedulerRun.
func (SchedulerRun) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the SchedulerRun.
func (SchedulerRun) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("declencheur").
			Values("PLANIFIE", "MANUEL").
			Comment("PLANIFIE: the periodic job; MANUEL: runPreventiveScheduler"),
		field.Time("started_at").Annotations(entgql.OrderField("STARTED_AT")),
		field.Time("finished_at"),
		field.Int64("duration_ms").NonNegative(),
		field.Int("due").NonNegative().Comment("plannings due at the start of the run"),
		field.Int("created").NonNegative().Comment("interventions created"),
		field.Int("skipped").NonNegative().Comment("occurrences already created (by an earlier run or another replica)"),
		field.Int("errors").NonNegative(),
		field.Text("error_detail").Optional().Comment("the first errors, one per line"),
	}
}

// Indexes of the SchedulerRun.
func (SchedulerRun) Indexes() []ent.Index {
	return []ent.Index{index.Fields("started_at")}
}

// Annotations of the SchedulerRun: listed by schedulerRuns, newest first.
func (SchedulerRun) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField("schedulerRuns").Directives(hasRole(domain.RoleAdmin, domain.RoleResponsable)),
		entgql.RelayConnection(),
		entgql.MultiOrder(),
	}
}

// Policy of the SchedulerRun: staff read; only the scheduler writes.
func (SchedulerRun) Policy() ent.Policy {
	return access.Policy(access.StaffOnlyRows, access.SystemWrite)
}
