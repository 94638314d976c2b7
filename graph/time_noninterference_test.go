package graph_test

import (
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
)

// logTime adds a stopped entry of tech on iv, as the server would.
func (w *world) logTime(t *testing.T, iv *ent.Intervention, tech *ent.Technicien, by *ent.User, minutes int, note string) {
	t.Helper()
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	w.env.Client.TempsPasse.Create().SetIntervention(iv).SetTechnicien(tech).SetUser(by).
		SetDebut(start).SetFin(start.Add(time.Duration(minutes) * time.Minute)).SetDureeMinutes(minutes).
		SetTauxHoraireCentimes(6000).SetNote(note).SaveX(w.env.Sys)
}

// TestTimeNonInterference is TestNonInterference for time entries: the questions that reach
// them (Intervention.tempsPasses and the filters through that edge), asked before and after
// time is logged on work the viewer does not see, and for a client on his own work too: he
// reads its labour cost, which the entries make, never the entries.
func TestTimeNonInterference(t *testing.T) {
	probes := probesThrough(t, "emps")
	for _, tc := range []struct {
		role   domain.Role
		viewer func(*world) *ent.User
		// own: time logged on the viewer's own work is unseen too (a client's).
		own bool
	}{
		{domain.RoleClient, func(w *world) *ent.User { return w.clientA }, true},
		{domain.RoleTechnicien, func(w *world) *ent.User { return w.techUserA }, false},
	} {
		t.Run(string(tc.role), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.logTime(t, w.ivA, w.techA, w.techUserA, 30, "A")
			requireUnseen(t, w, tc.viewer(w), probes, "time", func() {
				w.logTime(t, w.ivB, w.techB, w.techUserB, 45, "B "+marker)
				w.logTime(t, w.ivB, w.techA, w.responsable, 15, "B2 "+marker)
				if tc.own {
					w.logTime(t, w.ivA, w.techA, w.techUserA, 20, "A2 "+marker)
				}
			})
		})
	}
}
