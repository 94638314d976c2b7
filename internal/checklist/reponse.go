package checklist

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/document"
	"github.com/mifmaroc/erp/internal/demande"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/intervention"
	"github.com/mifmaroc/erp/internal/notify"
	"github.com/mifmaroc/erp/internal/pubsub"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Reponse is an answer to a point: the one value its type takes, or Effacer to remove it.
type Reponse struct {
	Coche      *bool
	Valeur     *float64
	Texte      *string
	DocumentID *int
	Effacer    *bool
}

// answer is a Reponse checked against its point: the columns it sets.
type answer struct {
	coche       *bool
	valeur      *float64
	texte       *string
	documentID  *int
	horsLimites bool
	cleared     bool
}

// Evaluate checks r against point p: the one value p's type takes (BAD_USER_INPUT
// otherwise), a CHOIX among those offered, a MESURE flagged out of bounds when it is outside
// [min, max].
func evaluate(p *ent.PointChecklist, r Reponse) (answer, error) {
	given := 0
	for _, set := range []bool{r.Coche != nil, r.Valeur != nil, r.Texte != nil, r.DocumentID != nil} {
		if set {
			given++
		}
	}
	if r.Effacer != nil && *r.Effacer {
		if given > 0 {
			return answer{}, domain.Errorf(domain.CodeBadUserInput, "effacer removes the answer: give no value with it")
		}
		return answer{cleared: true}, nil
	}
	want := map[domain.TypePoint]string{
		domain.PointCase: "coche", domain.PointMesure: "valeur", domain.PointTexte: "texte",
		domain.PointChoix: "texte", domain.PointPhoto: "documentId",
	}[p.Type]
	ok := given == 1 && map[domain.TypePoint]bool{
		domain.PointCase: r.Coche != nil, domain.PointMesure: r.Valeur != nil, domain.PointTexte: r.Texte != nil,
		domain.PointChoix: r.Texte != nil, domain.PointPhoto: r.DocumentID != nil,
	}[p.Type]
	if !ok {
		return answer{}, domain.Errorf(domain.CodeBadUserInput, "point %d is a %s: answer with %s only", p.Position, p.Type, want)
	}
	var a answer
	switch p.Type {
	case domain.PointCase:
		a.coche = r.Coche
	case domain.PointMesure:
		v := *r.Valeur
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return answer{}, domain.Errorf(domain.CodeBadUserInput, "valeur must be a finite number")
		}
		a.valeur = &v
		a.horsLimites = p.Min != nil && v < *p.Min || p.Max != nil && v > *p.Max
	case domain.PointTexte, domain.PointChoix:
		t := strings.TrimSpace(*r.Texte)
		if t == "" || utf8.RuneCountInString(t) > domain.MaxTexteReponse {
			return answer{}, domain.Errorf(domain.CodeBadUserInput, "texte: from 1 to %d characters", domain.MaxTexteReponse)
		}
		if p.Type == domain.PointChoix && !slices.Contains(p.Choix, t) {
			return answer{}, domain.Errorf(domain.CodeBadUserInput, "%q is not among the choices of point %d: %s", t, p.Position, strings.Join(p.Choix, ", "))
		}
		a.texte = &t
	case domain.PointPhoto:
		a.documentID = r.DocumentID
	}
	return a, nil
}

// text is an answer as the history shows it, nil for none.
func text(p *ent.PointChecklist, coche *bool, valeur *float64, texte *string, documentID *int) *string {
	var s string
	switch {
	case coche != nil:
		s = map[bool]string{true: "fait", false: "non fait"}[*coche]
	case valeur != nil:
		s = measure(p, *valeur)
	case texte != nil:
		s = *texte
	case documentID != nil:
		s = "document " + strconv.Itoa(*documentID)
	default:
		return nil
	}
	s = fmt.Sprintf("n°%d %s : %s", p.Position, p.Libelle, s)
	return &s
}

// Repondre records the answer r to point id of an intervention's checklist, by the assigned
// technician or staff (intervention.CanWork), while the work is EN_COURS; the history of the
// intervention gets a line (champ "checklist"). A MESURE out of bounds is flagged and, when
// the point says so and it has not done so yet, opens a work request on the equipement.
// Errors: NOT_FOUND, FORBIDDEN, LOCKED, CONFLICT (not EN_COURS), BAD_USER_INPUT.
func (s *Service) Repondre(ctx context.Context, id int, r Reponse) (*ent.PointChecklist, error) {
	v := viewer.FromContext(ctx)
	p, err := s.Client.PointChecklist.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeNotFound, "checklist point %d not found", id)
	} else if err != nil {
		return nil, fmt.Errorf("reading checklist point %d: %w", id, err)
	}
	a, err := evaluate(p, r)
	if err != nil {
		return nil, err
	}
	var (
		out    *ent.PointChecklist
		events []pubsub.Event
		now    = s.Now()
	)
	err = s.Events.Collect(ctx, s.Client, &events, func(tx *ent.Client) error {
		iv, err := intervention.OpenFor(ctx, tx, v, p.InterventionID, "answer its checklist")
		if err != nil {
			return err
		}
		if iv.Statut != domain.StatutEnCours {
			return domain.Errorf(domain.CodeConflict, "the intervention is %s: its checklist is answered while it is EN_COURS", iv.Statut)
		}
		sys := viewer.SystemContext(ctx)
		// Read again under the intervention's lock: the history shows the answer replaced.
		if p, err = tx.PointChecklist.Get(sys, id); err != nil {
			return fmt.Errorf("reading checklist point %d: %w", id, err)
		}
		if a.documentID != nil {
			ok, err := tx.Document.Query().Where(document.ID(*a.documentID), document.InterventionID(iv.ID)).Exist(sys)
			if err != nil {
				return fmt.Errorf("reading document %d: %w", *a.documentID, err)
			}
			if !ok {
				return domain.Errorf(domain.CodeBadUserInput, "document %d is not a document of intervention %d: upload the photo to it first", *a.documentID, iv.ID)
			}
		}
		u := tx.PointChecklist.UpdateOneID(id).SetHorsLimites(a.horsLimites).SetUpdatedAt(now)
		// One answer at a time: the other columns are emptied.
		setOrClear(a.coche, u.SetCoche, u.ClearCoche)
		setOrClear(a.valeur, u.SetValeur, u.ClearValeur)
		setOrClear(a.texte, u.SetTexte, u.ClearTexte)
		setOrClear(a.documentID, u.SetDocumentID, u.ClearDocumentID)
		if a.cleared {
			u.ClearReponduLe().ClearReponduParID()
		} else {
			u.SetReponduLe(now).SetReponduParID(v.UserID)
		}
		if a.horsLimites && p.DemandeSiHorsLimites && p.DemandeID == nil && iv.EquipementID != nil {
			d, evs, err := s.request(ctx, tx, v, iv, p, *a.valeur, now)
			if err != nil {
				return err
			}
			u.SetDemandeID(d.ID)
			events = append(events, evs...)
		}
		if out, err = u.Save(sys); err != nil {
			return fmt.Errorf("answering checklist point %d: %w", id, err)
		}
		return intervention.Audit(ctx, tx, iv, v.UserID, now, intervention.Change{
			Champ:    "checklist",
			Ancienne: text(p, p.Coche, p.Valeur, p.Texte, p.DocumentID),
			Nouvelle: text(p, a.coche, a.valeur, a.texte, a.documentID),
		})
	})
	if err != nil {
		return nil, err
	}
	s.Log.InfoContext(ctx, "checklist point answered", "event", "checklist_repondu", "point_id", id,
		"intervention_id", p.InterventionID, "hors_limites", a.horsLimites, "user_id", v.UserID)
	return out.Unwrap(), nil
}

func setOrClear[T any, R any](v *T, set func(T) R, clear func() R) {
	if v != nil {
		set(*v)
	} else {
		clear()
	}
}

// request opens the work request of a measure out of bounds, by whoever read it, on the
// intervention's equipement, at HAUTE urgency.
func (s *Service) request(ctx context.Context, tx *ent.Client, v *viewer.Viewer, iv *ent.Intervention, p *ent.PointChecklist,
	valeur float64, now time.Time) (*ent.DemandeIntervention, []pubsub.Event, error) {
	e, err := tx.Equipement.Get(viewer.SystemContext(ctx), *iv.EquipementID)
	if err != nil {
		return nil, nil, fmt.Errorf("reading equipement %d: %w", *iv.EquipementID, err)
	}
	titre := "Mesure hors limites : " + p.Libelle
	if r := []rune(titre); len(r) > 200 {
		titre = string(r[:199]) + "…"
	}
	urgence := domain.PrioriteHaute
	in := ent.CreateDemandeInterventionInput{
		Titre:           titre,
		Description:     fmt.Sprintf("Relevé pendant l'intervention %s, point n°%d « %s » : %s (limites %s).", notify.Ref(iv), p.Position, p.Libelle, *text(p, nil, &valeur, nil, nil), bounds(p)),
		UrgenceSuggeree: &urgence,
		EquipementID:    e.ID,
	}
	return demande.SubmitTx(ctx, tx, v, in, e, now)
}

// bounds writes a MESURE's bounds in texts: "2 – 4 bar", "≥ 2 bar", "≤ 4 bar".
func bounds(p *ent.PointChecklist) string {
	switch {
	case p.Min != nil && p.Max != nil:
		return strconv.FormatFloat(*p.Min, 'f', -1, 64) + " – " + measure(p, *p.Max)
	case p.Min != nil:
		return "≥ " + measure(p, *p.Min)
	default:
		return "≤ " + measure(p, *p.Max)
	}
}

// measure writes a value of a MESURE point with its unit: "3.5 bar".
func measure(p *ent.PointChecklist, x float64) string {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if p.Unite != nil {
		s += " " + *p.Unite
	}
	return s
}
