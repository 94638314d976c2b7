// Package checklist holds checklist templates and the answers to an intervention's own
// checklist. A template is an ordered list of points (domain.PointControle); a planning, an
// equipement or the creator of an intervention names one, and the intervention copies its
// points when it opens (internal/intervention, Open), so that editing a template never
// changes open work. The assigned technician answers the points while the work is EN_COURS;
// closing waits for the required ones (intervention.Incomplete).
package checklist

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/equipement"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/ent/planning"
	"github.com/mifmaroc/erp/internal/database"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/pubsub"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Service writes templates and answers. Every read goes through the caller's context, so a
// row the caller may not see is NOT_FOUND.
type Service struct {
	Client *ent.Client
	Now    func() time.Time
	Log    *slog.Logger
	Events *pubsub.Bus // live events, published after commit (nil: none)
}

var staff = []domain.Role{domain.RoleAdmin, domain.RoleResponsable}

// Modele is a template as written: its points replace the old ones as a whole.
type Modele struct {
	Nom         string
	Description *string
	Points      []domain.PointControle
}

// Check trims m and checks it: BAD_USER_INPUT naming the point at fault, counted from 1.
func (m *Modele) Check() error {
	m.Nom = strings.TrimSpace(m.Nom)
	switch n := utf8.RuneCountInString(m.Nom); {
	case n == 0:
		return domain.Errorf(domain.CodeBadUserInput, "nom is required")
	case n > 200:
		return domain.Errorf(domain.CodeBadUserInput, "nom: at most 200 characters")
	}
	if m.Description != nil && utf8.RuneCountInString(*m.Description) > 2000 {
		return domain.Errorf(domain.CodeBadUserInput, "description: at most 2,000 characters")
	}
	if len(m.Points) == 0 || len(m.Points) > domain.MaxPointsChecklist {
		return domain.Errorf(domain.CodeBadUserInput, "points: from 1 to %d", domain.MaxPointsChecklist)
	}
	for i := range m.Points {
		if err := checkPoint(&m.Points[i]); err != nil {
			return domain.Errorf(domain.CodeBadUserInput, "points[%d] (%q): %s", i+1, m.Points[i].Libelle, err)
		}
	}
	return nil
}

// checkPoint trims p and says what is wrong with it: each kind takes its own settings only.
func checkPoint(p *domain.PointControle) error {
	p.Libelle = strings.TrimSpace(p.Libelle)
	if n := utf8.RuneCountInString(p.Libelle); n == 0 || n > domain.MaxLibellePoint {
		return fmt.Errorf("libelle: from 1 to %d characters", domain.MaxLibellePoint)
	}
	if !slices.Contains(domain.TypePoint("").Values(), string(p.Type)) {
		return fmt.Errorf("type %q is not a TypePoint", p.Type)
	}
	if p.Unite != nil {
		u := strings.TrimSpace(*p.Unite)
		if u == "" || utf8.RuneCountInString(u) > 30 {
			return fmt.Errorf("unite: from 1 to 30 characters")
		}
		p.Unite = &u
	}
	mesure := p.Type == domain.PointMesure
	switch {
	case !mesure && (p.Unite != nil || p.Min != nil || p.Max != nil || p.DemandeSiHorsLimites):
		return fmt.Errorf("unite, min, max and demandeSiHorsLimites are for a MESURE only")
	case p.Min != nil && (math.IsNaN(*p.Min) || math.IsInf(*p.Min, 0)), p.Max != nil && (math.IsNaN(*p.Max) || math.IsInf(*p.Max, 0)):
		return fmt.Errorf("min and max must be finite numbers")
	case p.Min != nil && p.Max != nil && *p.Min > *p.Max:
		return fmt.Errorf("min %g is greater than max %g", *p.Min, *p.Max)
	case p.DemandeSiHorsLimites && p.Min == nil && p.Max == nil:
		return fmt.Errorf("demandeSiHorsLimites needs min or max")
	}
	if p.Type != domain.PointChoix {
		if p.Choix != nil {
			return fmt.Errorf("choix is for a CHOIX only")
		}
		return nil
	}
	if len(p.Choix) < 2 || len(p.Choix) > domain.MaxChoixPoint {
		return fmt.Errorf("choix: from 2 to %d values", domain.MaxChoixPoint)
	}
	for i, c := range p.Choix {
		c = strings.TrimSpace(c)
		if c == "" || utf8.RuneCountInString(c) > 100 {
			return fmt.Errorf("choix[%d]: from 1 to 100 characters", i+1)
		}
		if slices.Contains(p.Choix[:i], c) {
			return fmt.Errorf("choix[%d]: %q is offered twice", i+1, c)
		}
		p.Choix[i] = c
	}
	return nil
}

// Create records a template. Staff only. Errors: FORBIDDEN, BAD_USER_INPUT, CONFLICT (name
// taken).
func (s *Service) Create(ctx context.Context, m Modele) (*ent.ChecklistModele, error) {
	if err := viewer.Require(ctx, "write checklist templates", staff...); err != nil {
		return nil, err
	}
	if err := m.Check(); err != nil {
		return nil, err
	}
	t, err := s.Client.ChecklistModele.Create().
		SetNom(m.Nom).
		SetNillableDescription(m.Description).
		SetPoints(m.Points).
		SetCreatedAt(s.Now()).
		SetUpdatedAt(s.Now()).
		Save(ctx)
	if ent.IsConstraintError(err) {
		return nil, domain.Errorf(domain.CodeConflict, "a checklist template is already named %q", m.Nom)
	} else if err != nil {
		return nil, fmt.Errorf("creating checklist template %q: %w", m.Nom, err)
	}
	s.Log.InfoContext(ctx, "checklist template created", "event", "checklist_modele_created", "checklist_modele_id", t.ID)
	return t, nil
}

// Update replaces a template's name, description and points; open work keeps its copy.
// Errors: FORBIDDEN, NOT_FOUND, BAD_USER_INPUT, CONFLICT (name taken).
func (s *Service) Update(ctx context.Context, id int, m Modele) (*ent.ChecklistModele, error) {
	if err := viewer.Require(ctx, "write checklist templates", staff...); err != nil {
		return nil, err
	}
	if err := m.Check(); err != nil {
		return nil, err
	}
	u := s.Client.ChecklistModele.UpdateOneID(id).
		SetNom(m.Nom).
		SetPoints(m.Points).
		SetUpdatedAt(s.Now())
	if m.Description != nil {
		u.SetDescription(*m.Description)
	} else {
		u.ClearDescription()
	}
	return s.save(ctx, id, u)
}

// Archive sets whether new work takes template id. Errors: FORBIDDEN, NOT_FOUND.
func (s *Service) Archive(ctx context.Context, id int, actif bool) (*ent.ChecklistModele, error) {
	if err := viewer.Require(ctx, "archive checklist templates", staff...); err != nil {
		return nil, err
	}
	return s.save(ctx, id, s.Client.ChecklistModele.UpdateOneID(id).SetActif(actif).SetUpdatedAt(s.Now()))
}

func (s *Service) save(ctx context.Context, id int, u *ent.ChecklistModeleUpdateOne) (*ent.ChecklistModele, error) {
	t, err := u.Save(ctx)
	switch {
	case ent.IsNotFound(err):
		return nil, domain.Errorf(domain.CodeNotFound, "checklist template %d not found", id)
	case ent.IsConstraintError(err):
		return nil, domain.Errorf(domain.CodeConflict, "another checklist template has that name")
	case err != nil:
		return nil, fmt.Errorf("updating checklist template %d: %w", id, err)
	}
	s.Log.InfoContext(ctx, "checklist template updated", "event", "checklist_modele_updated", "checklist_modele_id", id)
	return t, nil
}

// Delete removes a template nothing names. Otherwise CONFLICT, naming what refers to it,
// and nothing is deleted: archive it instead. Errors: FORBIDDEN, NOT_FOUND, CONFLICT.
func (s *Service) Delete(ctx context.Context, id int) error {
	if err := viewer.Require(ctx, "delete checklist templates", staff...); err != nil {
		return err
	}
	return database.WithTx(ctx, s.Client, func(tx *ent.Client) error {
		t, err := tx.ChecklistModele.Get(ctx, id)
		if ent.IsNotFound(err) {
			return domain.Errorf(domain.CodeNotFound, "checklist template %d not found", id)
		} else if err != nil {
			return err
		}
		refs, err := database.InUse(viewer.SystemContext(ctx),
			database.Use{What: "plannings", Count: tx.Planning.Query().Where(planning.ChecklistModeleID(id)).Count},
			database.Use{What: "equipements", Count: tx.Equipement.Query().Where(equipement.ChecklistModeleID(id)).Count},
			database.Use{What: "interventions", Count: tx.Intervention.Query().Where(intervention.ChecklistModeleID(id)).Count})
		if err != nil {
			return fmt.Errorf("checklist template %d: %w", id, err)
		}
		if len(refs) > 0 {
			return domain.Errorf(domain.CodeConflict, "checklist template %q is named by %s: it cannot be deleted (archive it instead)",
				t.Nom, strings.Join(refs, ", "))
		}
		if err := tx.ChecklistModele.DeleteOneID(id).Exec(ctx); err != nil {
			return fmt.Errorf("deleting checklist template %d: %w", id, err)
		}
		s.Log.InfoContext(ctx, "checklist template deleted", "event", "checklist_modele_deleted", "checklist_modele_id", id)
		return nil
	})
}
