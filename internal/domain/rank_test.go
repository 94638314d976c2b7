package domain_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/internal/domain"
)

// valuer is what every enumeration offers ent.
type valuer interface{ Values() []string }

// enums are all the enumerations, ranked or not.
var enums = []valuer{
	domain.Role(""), domain.InterventionStatut(""), domain.InterventionType(""), domain.Priorite(""),
	domain.EquipementStatut(""), domain.Criticite(""), domain.Disponibilite(""), domain.NiveauCompetence(""),
	domain.Frequence(""), domain.PlanningStatut(""), domain.NotificationType(""), domain.Canal(""),
	domain.StatutEnvoi(""), domain.TypeMouvement(""),
}

// byRank sorts the values of e by their rank, lowest first.
func byRank(t *testing.T, e valuer) []string {
	t.Helper()
	rt := reflect.TypeOf(e)
	values := slices.Clone(e.Values())
	rankOf := func(v string) int { return reflect.ValueOf(v).Convert(rt).Interface().(domain.Ranked).Rank() }
	slices.SortFunc(values, func(a, b string) int { return rankOf(a) - rankOf(b) })
	for i, v := range values {
		if rankOf(v) != i+1 {
			t.Errorf("%s: rank of %s = %d, want %d (ranks go from 1 without gaps)", rt.Name(), v, rankOf(v), i+1)
		}
	}
	return values
}

func TestRank(t *testing.T) {
	tests := []struct {
		enum valuer
		want []string // lowest first
	}{
		{domain.Priorite(""), []string{"PROGRAMMEE", "BASSE", "NORMALE", "HAUTE", "URGENTE"}},
		{domain.Criticite(""), []string{"NON_CRITIQUE", "STANDARD", "IMPORTANT", "CRITIQUE"}},
		{domain.InterventionStatut(""), []string{"OUVERTE", "AFFECTEE", "EN_COURS", "EN_ATTENTE", "CLOTUREE", "ANNULEE", "ARCHIVEE"}},
		{domain.NiveauCompetence(""), []string{"DEBUTANT", "INTERMEDIAIRE", "AVANCE", "EXPERT"}},
		{domain.Frequence(""), []string{"JOURNALIER", "HEBDOMADAIRE", "MENSUEL", "TRIMESTRIEL", "SEMESTRIEL", "ANNUEL"}},
		{domain.EquipementStatut(""), []string{"OPERATIONNEL", "MAINTENANCE", "PANNE", "RETIRE"}},
		{domain.PlanningStatut(""), []string{"ACTIF", "SUSPENDU", "TERMINE"}},
	}
	for _, tt := range tests {
		t.Run(reflect.TypeOf(tt.enum).Name(), func(t *testing.T) {
			if diff := cmp.Diff(tt.want, byRank(t, tt.enum)); diff != "" {
				t.Errorf("values by rank (-want +got):\n%s", diff)
			}
		})
	}
	if got := domain.Priorite("INCONNUE").Rank(); got != 0 {
		t.Errorf("rank of a value outside the enumeration = %d, want 0", got)
	}
}

// HasRank, which the API's cursor checks ask by type name, says exactly which enumerations
// have a Rank method.
func TestHasRank(t *testing.T) {
	for _, e := range enums {
		name := reflect.TypeOf(e).Name()
		_, isRanked := e.(domain.Ranked)
		if domain.HasRank(name) != isRanked {
			t.Errorf("HasRank(%s) = %t, but the type implements Ranked: %t", name, domain.HasRank(name), isRanked)
		}
		if isRanked {
			byRank(t, e)
		}
	}
}
