package graph_test

import (
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
)

// stopOf records a stop of eq caused by iv (nil: by hand) as the server would.
func (w *world) stopOf(t *testing.T, eq *ent.Equipement, iv *ent.Intervention, by *ent.User, fin bool) {
	t.Helper()
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	c := w.env.Client.ArretEquipement.Create().SetEquipement(eq).SetDebut(start).SetUser(by)
	if iv != nil {
		c.SetIntervention(iv)
	}
	if fin {
		c.SetFin(start.Add(time.Hour))
	}
	c.SaveX(w.env.Sys)
}

// TestArretNonInterference is TestNonInterference for the stops of equipment (the questions
// that reach them: Equipement.arrets and the filters through that edge). A client reads the
// stops of the equipment he reads, not those of another company's; a technician reads every
// stop, but not the work behind one when it is not his.
func TestArretNonInterference(t *testing.T) {
	probes := probesThrough(t, "rrets")
	t.Run(string(domain.RoleClient), func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		w.stopOf(t, w.eqA, w.ivA, w.clientA, true)
		requireUnseen(t, w, w.clientA, probes, "stops", func() {
			w.stopOf(t, w.eqB, w.ivB, w.clientB, true)
			w.stopOf(t, w.eqB, nil, w.responsable, false)
		})
	})
	t.Run(string(domain.RoleTechnicien), func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		// A stop of the equipment of company A caused by company B's work: the technician
		// of company A sees the stop, never what the work says.
		w.stopOf(t, w.eqA, w.ivB, w.techUserB, true)
		requireUnseen(t, w, w.techUserA, probes, "the work behind stops", func() {
			w.env.Client.Intervention.UpdateOne(w.ivB).SetTitre("Vibration " + marker).SetDescription(marker).ExecX(w.env.Sys)
			w.env.Client.Technicien.UpdateOne(w.techB).SetEquipe(marker).ExecX(w.env.Sys)
		})
	})
}
