package intervention

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/intervention"
	"github.com/mifmaroc/erp/internal/domain"
)

// untracked are the fields whose changes write no audit line: the status and the dates its
// moves set (the status lines record those), and what the server keeps for itself. Every
// other field of an intervention is tracked, so a field added to the schema is audited
// without anyone having to remember it.
var untracked = map[string]bool{
	intervention.FieldStatut:               true,
	intervention.FieldCreatedAt:            true,
	intervention.FieldUpdatedAt:            true,
	intervention.FieldDateCreation:         true,
	intervention.FieldDateAffectation:      true,
	intervention.FieldDateDebut:            true,
	intervention.FieldDateFin:              true,
	intervention.FieldDateCloture:          true,
	intervention.FieldDateArchivage:        true,
	intervention.FieldDateAlerteEcheance:   true,
	intervention.FieldDateEcheance:         true,
	intervention.FieldDateLimiteManuelle:   true,
	intervention.FieldDateValidationClient: true,
	intervention.FieldRecherche:            true,
	intervention.FieldStatutRang:           true, // the ranks follow their fields (ent/schema/rank.go)
	intervention.FieldPrioriteRang:         true,
}

// Change is one audit line: the field (its GraphQL name) and its values before and after as
// text, nil for none.
type Change struct {
	Champ              string
	Ancienne, Nouvelle *string
}

// changes lists the tracked fields m sets or clears to a value other than the stored one, so
// it is called before m is saved. The old values are those of the row m was built from
// (UpdateOne of the loaded intervention: no second read of it); the update's status guard
// makes sure it is still the row being changed.
func changes(ctx context.Context, m *ent.InterventionMutation) ([]Change, error) {
	var out []Change
	add := func(f string, after ent.Value) error {
		if untracked[f] {
			return nil
		}
		before, err := m.OldField(ctx, f)
		if err != nil {
			return fmt.Errorf("reading %s before its change: %w", f, err)
		}
		if b, a := text(before), text(after); !sameText(b, a) {
			out = append(out, Change{Champ: graphQLName(f), Ancienne: b, Nouvelle: a})
		}
		return nil
	}
	for _, f := range m.Fields() {
		v, _ := m.Field(f)
		if err := add(f, v); err != nil {
			return nil, err
		}
	}
	for _, f := range m.ClearedFields() {
		if err := add(f, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// saveAudited saves upd and, in the same transaction tx, the audit lines of what it changed,
// by userID at now. A row that no longer matches upd's guard (its status changed meanwhile)
// is CONFLICT.
func saveAudited(ctx context.Context, tx *ent.Client, upd *ent.InterventionUpdateOne, userID int, now time.Time) (*ent.Intervention, error) {
	cs, err := changes(ctx, upd.Mutation())
	if err != nil {
		return nil, err
	}
	out, err := upd.Save(ctx)
	if ent.IsNotFound(err) {
		return nil, domain.Errorf(domain.CodeConflict, "the intervention changed meanwhile: reload it and try again")
	} else if err != nil {
		return nil, err
	}
	return out, writeChanges(ctx, tx, out, userID, now, cs)
}

// Audit writes, in tx, audit lines of intervention iv that are not changes of its own fields
// (a checklist answer), by userID at now: the same lines as writeChanges.
func Audit(ctx context.Context, tx *ent.Client, iv *ent.Intervention, userID int, now time.Time, cs ...Change) error {
	return writeChanges(ctx, tx, iv, userID, now, cs)
}

// writeChanges writes the audit lines of after's changes, by userID at now, in tx. Each line
// carries the status and the technician in charge after the change, like status lines.
func writeChanges(ctx context.Context, tx *ent.Client, after *ent.Intervention, userID int, now time.Time, cs []Change) error {
	if len(cs) == 0 {
		return nil
	}
	lines := make([]*ent.HistoriqueInterventionCreate, len(cs))
	for i, c := range cs {
		lines[i] = tx.HistoriqueIntervention.Create().
			SetInterventionID(after.ID).
			SetUserID(userID).
			SetAncienStatut(after.Statut).
			SetNouveauStatut(after.Statut).
			SetHorodatage(now).
			SetNillableTechnicienID(after.TechnicienID).
			SetChamp(c.Champ).
			SetNillableAncienneValeur(c.Ancienne).
			SetNillableNouvelleValeur(c.Nouvelle)
	}
	if err := tx.HistoriqueIntervention.CreateBulk(lines...).Exec(ctx); err != nil {
		return fmt.Errorf("writing the audit lines of intervention %d: %w", after.ID, err)
	}
	return nil
}

// text is a field's value as an audit line shows it: instants in RFC 3339 UTC, ids and
// numbers in decimal, nil for none (an empty text too).
func text(v ent.Value) *string {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() {
		return nil
	}
	var s string
	switch x := rv.Interface().(type) {
	case time.Time:
		s = x.UTC().Format(time.RFC3339Nano)
	case bool:
		s = strconv.FormatBool(x)
	default:
		s = fmt.Sprint(x)
	}
	if s == "" {
		return nil // an optional text left empty: none
	}
	return &s
}

func sameText(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// graphQLName is the API's name of an ent field: date_limite is dateLimite, and a foreign key
// technicien_id is the edge technicien.
func graphQLName(field string) string {
	parts := strings.Split(strings.TrimSuffix(field, "_id"), "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}
