package intervention

import (
	"context"
	"fmt"
	"strings"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/checklistmodele"
	"github.com/mifmaroc/erp/ent/pointchecklist"
	"github.com/mifmaroc/erp/ent/tempspasse"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/i18n"
	"github.com/mifmaroc/erp/internal/viewer"
)

// The checklist in the life of an intervention: it is copied from its template when the
// intervention opens (copyChecklist, from Open), and closing waits for its required points
// (Incomplete). Templates and answers are internal/checklist's.

// modeleOf is the template a new intervention copies: the one its creator chose, else its
// planning's, else its equipement's; an archived template is given to no new work (the
// creator's own choice was refused before, by Prepare). Zero when none.
func modeleOf(ctx context.Context, tx *ent.Client, m *ent.InterventionMutation) (int, error) {
	if id, ok := m.ChecklistModeleID(); ok {
		return id, nil
	}
	// The server reads: plannings and templates are staff data, whoever opens the work.
	sys := viewer.SystemContext(ctx)
	var named *int
	if id, ok := m.PlanningID(); ok {
		p, err := tx.Planning.Get(sys, id)
		if err != nil {
			return 0, fmt.Errorf("reading planning %d: %w", id, err)
		}
		named = p.ChecklistModeleID
	}
	if id, ok := m.EquipementID(); ok && named == nil {
		e, err := tx.Equipement.Get(sys, id)
		if err != nil {
			return 0, fmt.Errorf("reading equipement %d: %w", id, err)
		}
		named = e.ChecklistModeleID
	}
	if named == nil {
		return 0, nil
	}
	actif, err := tx.ChecklistModele.Query().Where(checklistmodele.ID(*named), checklistmodele.Actif(true)).Exist(sys)
	if err != nil || !actif {
		return 0, err
	}
	return *named, nil
}

// copyChecklist gives intervention iv its own copy of template id's points.
func copyChecklist(ctx context.Context, tx *ent.Client, iv *ent.Intervention, id int) error {
	sys := viewer.SystemContext(ctx)
	t, err := tx.ChecklistModele.Get(sys, id)
	if err != nil {
		return fmt.Errorf("reading checklist template %d: %w", id, err)
	}
	points := make([]*ent.PointChecklistCreate, len(t.Points))
	for i, p := range t.Points {
		points[i] = tx.PointChecklist.Create().
			SetInterventionID(iv.ID).
			SetPosition(i + 1).
			SetLibelle(p.Libelle).
			SetType(p.Type).
			SetObligatoire(p.Obligatoire).
			SetNillableUnite(p.Unite).
			SetNillableMin(p.Min).
			SetNillableMax(p.Max).
			SetChoix(p.Choix).
			SetDemandeSiHorsLimites(p.DemandeSiHorsLimites)
	}
	if err := tx.PointChecklist.CreateBulk(points...).Exec(sys); err != nil {
		return fmt.Errorf("copying checklist template %d to intervention %d: %w", id, iv.ID, err)
	}
	return nil
}

// unanswered is a required point that still needs its answer: none given, or a CASE left
// unticked (a box counts once ticked).
var unanswered = pointchecklist.And(pointchecklist.Obligatoire(true), pointchecklist.Or(
	pointchecklist.ReponduLeIsNil(),
	pointchecklist.And(pointchecklist.TypeEQ(domain.PointCase), pointchecklist.Or(pointchecklist.CocheIsNil(), pointchecklist.Coche(false))),
))

// Incomplete is the refusal to close iv while something the closure needs is missing: the
// rapport (when the service requires it), a required checklist point, a time entry still
// running. The error lists them all, in the message and in extensions.missing. Nil when
// nothing is missing.
func (s *Service) Incomplete(ctx context.Context, tx *ent.Client, iv *ent.Intervention) error {
	sys := viewer.SystemContext(ctx)
	var missing []i18n.Message
	if s.RapportRequis && strings.TrimSpace(iv.Rapport) == "" {
		missing = append(missing, i18n.M("rapport: write the report of the work (updateIntervention)"))
	}
	points, err := tx.PointChecklist.Query().Where(pointchecklist.InterventionID(iv.ID), unanswered).
		Order(ent.Asc(pointchecklist.FieldPosition)).All(sys)
	if err != nil {
		return fmt.Errorf("reading the checklist of intervention %d: %w", iv.ID, err)
	}
	for _, p := range points {
		missing = append(missing, i18n.M("checklist: point %d « %s » is unanswered", p.Position, p.Libelle))
	}
	running, err := tx.TempsPasse.Query().Where(tempspasse.InterventionID(iv.ID), tempspasse.FinIsNil()).All(sys)
	if err != nil {
		return fmt.Errorf("reading the running time entries of intervention %d: %w", iv.ID, err)
	}
	for _, e := range running {
		missing = append(missing, i18n.M("time: entry %d of technicien %d is still running (arreterTemps)", e.ID, e.TechnicienID))
	}
	if len(missing) == 0 {
		return nil
	}
	refusal := domain.Errorf(domain.CodeIncompleteWork, "the intervention cannot be closed yet: %s", i18n.Join{Items: missing, Sep: "; "})
	refusal.Missing = missing
	return refusal
}
