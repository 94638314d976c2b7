package seed_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/techniciencompetence"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/seed"
)

// Every technician holds one to four skills of the catalogue, at levels of every kind, and
// two seeds give the same skills at the same levels.
func TestSkills(t *testing.T) {
	held := func() []string {
		c, ctx := seeded(t)
		rows := c.TechnicienCompetence.Query().
			WithTechnicien(func(q *ent.TechnicienQuery) { q.WithUser() }).WithCompetence().
			Order(ent.Asc(techniciencompetence.FieldTechnicienID), ent.Asc(techniciencompetence.FieldCompetenceID)).AllX(ctx)
		perTech := map[int]int{}
		levels := map[domain.NiveauCompetence]bool{}
		var out []string
		for _, r := range rows {
			perTech[r.TechnicienID]++
			levels[r.Niveau] = true
			out = append(out, fmt.Sprintf("%s %s %s", r.Edges.Technicien.Edges.User.Email, r.Edges.Competence.Nom, r.Niveau))
		}
		if got, want := len(perTech), seed.Sizes["small"].Techniciens; got != want {
			t.Errorf("%d technicians hold skills, want %d", got, want)
		}
		for id, n := range perTech {
			if n < 1 || n > 4 {
				t.Errorf("technicien %d holds %d skills, want 1 to 4", id, n)
			}
		}
		if len(levels) < 3 {
			t.Errorf("levels held: %v, want variety", levels)
		}
		if n := c.Competence.Query().CountX(ctx); n < 5 {
			t.Errorf("%d skills in the catalogue", n)
		}
		for _, r := range rows {
			if r.NiveauRang != r.Niveau.Rank() {
				t.Errorf("skill held at %s with rank %d", r.Niveau, r.NiveauRang)
			}
		}
		required := c.Intervention.Query().Where(intervention.HasCompetenceRequise()).CountX(ctx)
		if all := c.Intervention.Query().CountX(ctx); required < all/8 || required > all/2 {
			t.Errorf("%d of %d interventions require a skill, want about a quarter", required, all)
		}
		if n := c.Intervention.Query().Where(intervention.NiveauRequisNotNil()).CountX(ctx); n == 0 || n >= required {
			t.Errorf("%d of the %d interventions requiring a skill say a level, want most", n, required)
		}
		return out
	}
	if diff := cmp.Diff(held(), held()); diff != "" {
		t.Errorf("two seeds differ (-first +second):\n%s", diff)
	}
}
