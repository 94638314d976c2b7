package graph_test

import (
	"testing"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
)

// checklist gives iv two answered points, as the server's copy and an answer would.
func (w *world) checklist(t *testing.T, iv *ent.Intervention, by *ent.User, texte string) {
	t.Helper()
	c, now := w.env.Client, w.env.Clock.Now()
	n := c.PointChecklist.Query().CountX(w.env.Sys)
	c.PointChecklist.Create().SetIntervention(iv).SetPosition(n + 1).SetLibelle("Pression").SetType(domain.PointMesure).
		SetObligatoire(true).SetMin(2).SetMax(4).SetValeur(9).SetHorsLimites(true).SetReponduLe(now).SetReponduPar(by).SaveX(w.env.Sys)
	c.PointChecklist.Create().SetIntervention(iv).SetPosition(n + 2).SetLibelle("Observations").SetType(domain.PointTexte).
		SetObligatoire(false).SetTexte(texte).SetReponduLe(now).SetReponduPar(by).SaveX(w.env.Sys)
}

// TestChecklistNonInterference is TestNonInterference for checklists: the questions that
// reach them (Intervention.checklist, templates and the filters through them), asked before
// and after a checklist is answered on work the viewer does not see, and, for a client, after
// templates are written and given to his own equipment and work: he reads the answers of his
// work, never the templates.
func TestChecklistNonInterference(t *testing.T) {
	probes := probesThrough(t, "hecklist")
	for _, tc := range []struct {
		role   domain.Role
		viewer func(*world) *ent.User
	}{
		{domain.RoleClient, func(w *world) *ent.User { return w.clientA }},
		{domain.RoleTechnicien, func(w *world) *ent.User { return w.techUserA }},
	} {
		t.Run(string(tc.role), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.checklist(t, w.ivA, w.techUserA, "A")
			requireUnseen(t, w, tc.viewer(w), probes, "checklists", func() {
				w.checklist(t, w.ivB, w.techUserB, "B "+marker)
			})
		})
	}
	t.Run("ClientTemplates", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		w.checklist(t, w.ivA, w.techUserA, "A")
		requireUnseen(t, w, w.clientA, probes, "checklist templates", func() {
			m := w.env.Client.ChecklistModele.Create().SetNom("Révision " + marker).
				SetPoints([]domain.PointControle{{Libelle: "Courroie", Type: domain.PointCase, Obligatoire: true}}).SaveX(w.env.Sys)
			w.env.Client.Equipement.UpdateOne(w.eqA).SetChecklistModele(m).ExecX(w.env.Sys)
			w.env.Client.Equipement.UpdateOne(w.eqB).SetChecklistModele(m).ExecX(w.env.Sys)
		})
	})
}
