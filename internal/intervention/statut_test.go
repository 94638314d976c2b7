package intervention_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/intervention"
)

var allStatuts = func() []domain.InterventionStatut {
	var out []domain.InterventionStatut
	for _, v := range domain.InterventionStatut("").Values() {
		out = append(out, domain.InterventionStatut(v))
	}
	return out
}()

// allowed is SPEC.md's state machine written out pair by pair, independently of the code.
var allowed = map[[2]domain.InterventionStatut]bool{
	{"OUVERTE", "AFFECTEE"}: true, {"OUVERTE", "ANNULEE"}: true,
	{"AFFECTEE", "EN_COURS"}: true, {"AFFECTEE", "OUVERTE"}: true, {"AFFECTEE", "ANNULEE"}: true,
	{"EN_COURS", "EN_ATTENTE"}: true, {"EN_COURS", "CLOTUREE"}: true, {"EN_COURS", "ANNULEE"}: true,
	{"EN_ATTENTE", "EN_COURS"}: true, {"EN_ATTENTE", "ANNULEE"}: true,
	{"CLOTUREE", "ARCHIVEE"}: true,
}

func TestCanMoveEveryPair(t *testing.T) {
	for _, from := range allStatuts {
		for _, to := range allStatuts {
			t.Run(fmt.Sprintf("%s_to_%s", from, to), func(t *testing.T) {
				want := allowed[[2]domain.InterventionStatut{from, to}]
				if got := intervention.CanMove(from, to); got != want {
					t.Errorf("CanMove = %t, want %t", got, want)
				}
				err := intervention.CheckMove(intervention.Actor{Role: domain.RoleAdmin}, from, to)
				if want && err != nil {
					t.Errorf("admin CheckMove = %v, want nil", err)
				}
				if !want {
					if e, ok := domain.AsError(err); !ok || e.Code != domain.CodeInvalidTransition {
						t.Errorf("CheckMove = %v, want INVALID_TRANSITION", err)
					}
				}
			})
		}
	}
}

func TestMovesFor(t *testing.T) {
	tests := []struct {
		name  string
		actor intervention.Actor
		from  domain.InterventionStatut
		want  []domain.InterventionStatut
	}{
		{"ResponsableFromOuverte", intervention.Actor{Role: domain.RoleResponsable}, "OUVERTE", []domain.InterventionStatut{"AFFECTEE", "ANNULEE"}},
		{"AssignedTechStarts", intervention.Actor{Role: domain.RoleTechnicien, Assigned: true}, "AFFECTEE", []domain.InterventionStatut{"EN_COURS"}},
		{"AssignedTechWorking", intervention.Actor{Role: domain.RoleTechnicien, Assigned: true}, "EN_COURS", []domain.InterventionStatut{"EN_ATTENTE", "CLOTUREE"}},
		{"AssignedTechCannotCancel", intervention.Actor{Role: domain.RoleTechnicien, Assigned: true}, "OUVERTE", nil},
		{"OtherTech", intervention.Actor{Role: domain.RoleTechnicien}, "AFFECTEE", nil},
		{"Client", intervention.Actor{Role: domain.RoleClient}, "OUVERTE", nil},
		{"AdminTerminal", intervention.Actor{Role: domain.RoleAdmin}, "ARCHIVEE", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := intervention.MovesFor(tt.actor, tt.from)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("MovesFor (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("ForbiddenNotInvalid", func(t *testing.T) {
		err := intervention.CheckMove(intervention.Actor{Role: domain.RoleTechnicien, Assigned: true}, "EN_COURS", "ANNULEE")
		if e, ok := domain.AsError(err); !ok || e.Code != domain.CodeForbidden {
			t.Errorf("technician cancelling = %v, want FORBIDDEN", err)
		}
	})
}

func TestLocked(t *testing.T) {
	for _, s := range allStatuts {
		want := s == "CLOTUREE" || s == "ARCHIVEE" || s == "ANNULEE"
		if got := intervention.Locked(s); got != want {
			t.Errorf("Locked(%s) = %t, want %t", s, got, want)
		}
	}
}
