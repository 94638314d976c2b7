package graph

import (
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

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
			got, stripped, _ := planPrefetch(field.SelectionSet)
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
