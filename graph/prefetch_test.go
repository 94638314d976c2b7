package graph

import (
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

func TestPlanPrefetchNode(t *testing.T) {
	doc, err := parser.ParseQuery(&ast.Source{Input: `{ node(id: 1) { id ... on Intervention { titre equipement { nom } }
	  ... on Planning { equipement { nom } technicien { equipe } } } }`})
	if err != nil {
		t.Fatal(err)
	}
	got, stripped, _ := planPrefetch(doc.Operations[0].SelectionSet[0].(*ast.Field).SelectionSet, forInterventionFragments)
	if want := (prefetchPlan{equipement: true}); got != want {
		t.Errorf("plan %+v, want %+v", got, want)
	}
	// The planning's edges stay with field collection; the intervention's are gone.
	for _, s := range stripped {
		f, ok := s.(*ast.InlineFragment)
		if !ok {
			continue
		}
		names := map[string]bool{}
		for _, in := range f.SelectionSet {
			names[in.(*ast.Field).Name] = true
		}
		if f.TypeCondition == "Intervention" && names["equipement"] {
			t.Error("the intervention's equipement was left to collection")
		}
		if f.TypeCondition == "Planning" && (!names["equipement"] || !names["technicien"]) {
			t.Errorf("the planning lost its edges: %v", names)
		}
	}
}

func TestPlanPrefetch(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  prefetchPlan
		kept  []string // edge fields left to field collection, under edges { node }
	}{
		{"the list screen", `{ interventions { edges { node { titre equipement { nom } technicien { user { email } }
		  documents { filename } historique { nouveauStatut user { email } } } } } }`,
			prefetchPlan{equipement: true, technicien: true, technicienUser: true, documents: true, historique: true, historiqueUser: true}, nil},
		{"scalars only", `{ interventions { totalCount edges { cursor node { technicien { equipe } historique { horodatage } } } } }`,
			prefetchPlan{technicien: true, historique: true}, nil},
		{"inline fragment", `{ interventions { edges { node { ... on Intervention { equipement { nom } } } } } }`,
			prefetchPlan{equipement: true}, nil},
		{"an edge reaching further stays with collection", `{ interventions { edges { node {
		  technicien { competences { nom } } documents { filename uploadedBy { email } } equipement { nom } } } } }`,
			prefetchPlan{equipement: true}, []string{"technicien", "documents"}},
		{"the same edge once simple, once not", `{ interventions { edges { node { a: technicien { equipe } b: technicien { user { technicien { equipe } } } } } } }`,
			prefetchPlan{}, []string{"technicien", "technicien"}},
		{"fragment spread: nothing taken", `{ interventions { edges { node { ...F equipement { nom } } } } } fragment F on Intervention { titre }`,
			prefetchPlan{}, []string{"equipement"}},
		{"no edge asked", `{ interventions { edges { node { titre statut } } } }`, prefetchPlan{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := parser.ParseQuery(&ast.Source{Input: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			field := doc.Operations[0].SelectionSet[0].(*ast.Field)
			got, stripped, _ := planPrefetch(field.SelectionSet, forNodes)
			if got != tt.want {
				t.Errorf("plan %+v, want %+v", got, tt.want)
			}
			var kept []string
			spread := false
			forNodes(stripped, &spread, func(node ast.SelectionSet) ast.SelectionSet {
				forFields(node, &spread, func(f *ast.Field) {
					if len(f.SelectionSet) > 0 {
						kept = append(kept, f.Name)
					}
				})
				return node
			})
			if len(kept) != len(tt.kept) {
				t.Fatalf("edges left to collection %v, want %v", kept, tt.kept)
			}
			for i := range kept {
				if kept[i] != tt.kept[i] {
					t.Errorf("edges left to collection %v, want %v", kept, tt.kept)
				}
			}
			// The original selections are untouched: the response still has every field.
			if len(field.SelectionSet) == 0 {
				t.Error("the original selections were changed")
			}
		})
	}
}
