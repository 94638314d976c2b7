package graph_test

import (
	"fmt"
	"testing"
)

// TestEmplacementNonInterference is TestNonInterference for places (the questions that reach
// them, and the subtree filter from every place): changing the places that hold only company
// B's equipment, or a place under company A's that holds nothing of his, changes nothing
// company A's client gets.
func TestEmplacementNonInterference(t *testing.T) {
	probes := probesThrough(t, "mplacement")
	w := newWorld(t)
	tr := w.tree(t)
	for _, id := range []string{tr.site, tr.batA, tr.zoneA, tr.batB, tr.zoneB} {
		for _, root := range []string{"equipements", "interventions"} {
			probes = append(probes, probe{root: root, where: fmt.Sprintf("{sousEmplacement: %q}", id)})
		}
	}
	staff := w.env.As(t, w.responsable)
	requireUnseen(t, w, w.clientA, probes, "company B's places", func() {
		staff.MustData(empUpdate, map[string]any{"id": tr.zoneB, "in": map[string]any{
			"nom": "Atelier " + marker, "code": "Z-" + marker, "type": "AUTRE", "parentID": tr.batA}}, new(any))
		staff.MustData(empUpdate, map[string]any{"id": tr.batB, "in": map[string]any{"nom": "Bâtiment " + marker, "actif": false}}, new(any))
		place(t, staff, map[string]any{"nom": "Local " + marker, "type": "ZONE", "parentID": tr.zoneA})
		place(t, staff, map[string]any{"nom": "Site " + marker, "type": "SITE"})
	})
}
