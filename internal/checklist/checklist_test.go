package checklist

import (
	"strings"
	"testing"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
)

func ptr[T any](v T) *T { return &v }

func TestModeleCheck(t *testing.T) {
	box := domain.PointControle{Libelle: "Courroie", Type: domain.PointCase, Obligatoire: true}
	for _, tc := range []struct {
		name   string
		points []domain.PointControle
		nom    string
		want   string // a part of the refusal; empty: accepted
	}{
		{"OK", []domain.PointControle{box, {Libelle: " Pression ", Type: domain.PointMesure, Unite: ptr("bar"), Min: ptr(2.0), Max: ptr(4.0), DemandeSiHorsLimites: true},
			{Libelle: "Filtre", Type: domain.PointChoix, Choix: []string{"Bon", " Usé "}}}, "Révision", ""},
		{"NoName", []domain.PointControle{box}, "  ", "nom is required"},
		{"NoPoint", nil, "R", "points: from 1"},
		{"EmptyLabel", []domain.PointControle{box, {Type: domain.PointTexte}}, "R", "points[2]"},
		{"UnknownType", []domain.PointControle{{Libelle: "X", Type: "AUTRE"}}, "R", "not a TypePoint"},
		{"BoundsOnABox", []domain.PointControle{{Libelle: "X", Type: domain.PointCase, Max: ptr(1.0)}}, "R", "MESURE only"},
		{"MinAboveMax", []domain.PointControle{{Libelle: "X", Type: domain.PointMesure, Min: ptr(5.0), Max: ptr(1.0)}}, "R", "greater than max"},
		{"RequestWithoutBounds", []domain.PointControle{{Libelle: "X", Type: domain.PointMesure, DemandeSiHorsLimites: true}}, "R", "needs min or max"},
		{"OneChoice", []domain.PointControle{{Libelle: "X", Type: domain.PointChoix, Choix: []string{"A"}}}, "R", "from 2"},
		{"ChoiceTwice", []domain.PointControle{{Libelle: "X", Type: domain.PointChoix, Choix: []string{"A", " A"}}}, "R", "offered twice"},
		{"ChoicesOnText", []domain.PointControle{{Libelle: "X", Type: domain.PointTexte, Choix: []string{"A", "B"}}}, "R", "CHOIX only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := Modele{Nom: tc.nom, Points: tc.points}
			err := m.Check()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want == "":
				if m.Points[1].Libelle != "Pression" || m.Points[2].Choix[1] != "Usé" {
					t.Errorf("not trimmed: %+v", m.Points)
				}
			case err == nil || !strings.Contains(err.Error(), tc.want):
				t.Fatalf("got %v, want a refusal naming %q", err, tc.want)
			default:
				if e, _ := domain.AsError(err); e.Code != domain.CodeBadUserInput {
					t.Errorf("code %s", e.Code)
				}
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	mesure := &ent.PointChecklist{Position: 2, Type: domain.PointMesure, Min: ptr(2.0), Max: ptr(4.0)}
	above := &ent.PointChecklist{Position: 3, Type: domain.PointMesure, Min: ptr(2.0)}
	choix := &ent.PointChecklist{Position: 4, Type: domain.PointChoix, Choix: []string{"Bon", "Usé"}}
	for _, tc := range []struct {
		name string
		p    *ent.PointChecklist
		r    Reponse
		hors bool
		bad  bool
	}{
		{"Within", mesure, Reponse{Valeur: ptr(2.0)}, false, false},
		{"AtMax", mesure, Reponse{Valeur: ptr(4.0)}, false, false},
		{"Below", mesure, Reponse{Valeur: ptr(1.99)}, true, false},
		{"Above", mesure, Reponse{Valeur: ptr(4.01)}, true, false},
		{"NoMax", above, Reponse{Valeur: ptr(1e9)}, false, false},
		{"NoMaxBelow", above, Reponse{Valeur: ptr(-1.0)}, true, false},
		{"TextForAMeasure", mesure, Reponse{Texte: ptr("3")}, false, true},
		{"Nothing", mesure, Reponse{}, false, true},
		{"ClearWithValue", mesure, Reponse{Valeur: ptr(3.0), Effacer: ptr(true)}, false, true},
		{"Clear", mesure, Reponse{Effacer: ptr(true)}, false, false},
		{"Choice", choix, Reponse{Texte: ptr(" Usé ")}, false, false},
		{"NotAChoice", choix, Reponse{Texte: ptr("Neuf")}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := evaluate(tc.p, tc.r)
			if (err != nil) != tc.bad {
				t.Fatalf("err %v, want refused %v", err, tc.bad)
			}
			if err == nil && a.horsLimites != tc.hors {
				t.Errorf("horsLimites %v, want %v", a.horsLimites, tc.hors)
			}
		})
	}
}
