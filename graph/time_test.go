package graph_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent/historiqueintervention"
	"github.com/mifmaroc/erp/internal/domain"
)

const (
	timeLog = `mutation($in: SaisirTempsInput!) { saisirTemps(input: $in) { id dureeMinutes } }`
	timeKPI = `query($id: ID!) { node(id: $id) { ... on Intervention { dureeSaisie coutMainOeuvreCentimes
  tempsPasses(first: 10) { totalCount edges { node { dureeMinutes technicien { id } } } } } } }`
	timeStart   = `mutation($iv: ID!, $t: ID) { demarrerTemps(interventionId: $iv, technicienId: $t) { id fin dureeMinutes } }`
	timeStop    = `mutation($id: ID!) { arreterTemps(id: $id) { id fin dureeMinutes } }`
	timeCorrect = `mutation($id: ID!, $d: Int) { corrigerTemps(id: $id, input: {dureeMinutes: $d}) { dureeMinutes } }`
)

type timeKPIs struct {
	Node struct {
		DureeSaisie            int
		CoutMainOeuvreCentimes int
		TempsPasses            struct{ TotalCount int }
	}
}

// Two technicians log time on one job, each priced at the rate he had when he logged it; a
// running entry counts up to now and stops once; corrections are the author's and leave an
// audit line. Run with the frozen clock and with the real one.
func TestTimeEntries(t *testing.T) {
	for _, running := range []bool{false, true} {
		t.Run(map[bool]string{false: "FrozenClock", true: "RealClock"}[running], func(t *testing.T) {
			e := newIvEnv(t)
			if running {
				e.Clock.Run()
			}
			e.Client.Technicien.UpdateOne(e.otherTech).SetTauxHoraireCentimes(6000).ExecX(e.Sys)
			iv := e.at(t, domain.StatutEnCours)
			ivID := strconv.Itoa(iv.ID)
			tech, resp := e.As(t, e.techUser), e.As(t, e.resp)
			debut := e.Clock.Now().Add(-3 * time.Hour).Format(time.RFC3339)

			// 60 min at 120.00 MAD/h, and 30 min of the other technician at 60.00 MAD/h.
			var mine struct{ SaisirTemps struct{ ID string } }
			tech.MustData(timeLog, map[string]any{"in": map[string]any{"interventionId": ivID, "debut": debut, "dureeMinutes": 60}}, &mine)
			resp.MustData(timeLog, map[string]any{"in": map[string]any{"interventionId": ivID, "debut": debut, "dureeMinutes": 30,
				"technicienId": e.otherTech.ID}}, &struct{}{})
			// A later rate does not reprice what was logged.
			e.Client.Technicien.UpdateOne(e.tech).SetTauxHoraireCentimes(99900).ExecX(e.Sys)
			var k timeKPIs
			resp.MustData(timeKPI, map[string]any{"id": ivID}, &k)
			if k.Node.DureeSaisie != 90 || k.Node.CoutMainOeuvreCentimes != 12000+3000 || k.Node.TempsPasses.TotalCount != 2 {
				t.Fatalf("logged 60 min at 12000 and 30 min at 6000: %+v; want 90 min and 15000 centimes", k.Node)
			}

			// A technician logs his own time only; another's entry is not his to correct.
			if err := tech.MustFail(timeLog, map[string]any{"in": map[string]any{"interventionId": ivID, "debut": debut, "dureeMinutes": 5,
				"technicienId": e.otherTech.ID}}); err.Code() != string(domain.CodeForbidden) {
				t.Errorf("logging another's time: %s", err.Code())
			}
			if err := e.As(t, e.otherTechUser).MustFail(timeCorrect, map[string]any{"id": mine.SaisirTemps.ID, "d": 1}); err.Code() != string(domain.CodeNotFound) && err.Code() != string(domain.CodeForbidden) {
				t.Errorf("correcting another's entry: %s", err.Code())
			}
			for _, bad := range []map[string]any{
				{"interventionId": ivID, "debut": debut, "dureeMinutes": 0},
				{"interventionId": ivID, "debut": e.Clock.Now().Add(time.Hour).Format(time.RFC3339), "dureeMinutes": 10},
			} {
				if err := tech.MustFail(timeLog, map[string]any{"in": bad}); err.Code() != string(domain.CodeBadUserInput) {
					t.Errorf("%v: %s", bad, err.Code())
				}
			}

			// The author corrects his entry: the cost follows, an audit line says what changed.
			var corrected struct{ CorrigerTemps struct{ DureeMinutes int } }
			tech.MustData(timeCorrect, map[string]any{"id": mine.SaisirTemps.ID, "d": 45}, &corrected)
			resp.MustData(timeKPI, map[string]any{"id": ivID}, &k)
			if corrected.CorrigerTemps.DureeMinutes != 45 || k.Node.CoutMainOeuvreCentimes != 9000+3000 {
				t.Fatalf("after the correction: %+v", k.Node)
			}
			if n := e.Client.HistoriqueIntervention.Query().Where(historiqueintervention.InterventionID(iv.ID),
				historiqueintervention.Champ("temps")).CountX(e.Sys); n != 1 {
				t.Fatalf("%d audit lines of the correction, want 1", n)
			}

			// A running entry counts up to now, one per technician at a time, and stops once.
			var started struct{ DemarrerTemps struct{ ID string } }
			tech.MustData(timeStart, map[string]any{"iv": ivID}, &started)
			if err := tech.MustFail(timeStart, map[string]any{"iv": ivID}); err.Code() != string(domain.CodeConflict) {
				t.Errorf("second running entry: %s", err.Code())
			}
			e.Clock.Advance(10 * time.Minute)
			resp.MustData(timeKPI, map[string]any{"id": ivID}, &k)
			if k.Node.DureeSaisie < 75+10 {
				t.Fatalf("with 10 min running: dureeSaisie %d, want at least 85", k.Node.DureeSaisie)
			}
			var stopped struct {
				ArreterTemps struct {
					Fin          *string
					DureeMinutes *int
				}
			}
			tech.MustData(timeStop, map[string]any{"id": started.DemarrerTemps.ID}, &stopped)
			if stopped.ArreterTemps.Fin == nil || stopped.ArreterTemps.DureeMinutes == nil || *stopped.ArreterTemps.DureeMinutes < 10 {
				t.Fatalf("stopped entry: %+v", stopped.ArreterTemps)
			}
			if err := tech.MustFail(timeStop, map[string]any{"id": started.DemarrerTemps.ID}); err.Code() != string(domain.CodeConflict) {
				t.Errorf("stopping twice: %s", err.Code())
			}

			// A client reads the cost, never the entries; closed work takes no new time.
			var seen timeKPIs
			e.Client.Intervention.UpdateOne(iv).SetClient(e.societe).ExecX(e.Sys)
			e.As(t, e.clientUser).MustData(timeKPI, map[string]any{"id": ivID}, &seen)
			if seen.Node.TempsPasses.TotalCount != 0 {
				t.Errorf("a client reads %d time entries", seen.Node.TempsPasses.TotalCount)
			}
			closed := e.at(t, domain.StatutCloturee)
			if err := tech.MustFail(timeStart, map[string]any{"iv": closed.ID}); err.Code() != string(domain.CodeLocked) {
				t.Errorf("time on closed work: %s", err.Code())
			}
		})
	}
}

// A technician reads the colleagues who logged time on his work (their names on its time
// sheet, where they used to come as NOT_FOUND errors), and no other technician.
func TestColleaguesOnSharedWork(t *testing.T) {
	e := newIvEnv(t)
	iv := e.at(t, domain.StatutEnCours)
	ivID := strconv.Itoa(iv.ID)
	tech := e.As(t, e.techUser)
	readable := func() map[string]bool {
		var got struct {
			Techniciens struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		tech.MustData(`{ techniciens(first: 50) { edges { node { id } } } }`, nil, &got)
		out := map[string]bool{}
		for _, edge := range got.Techniciens.Edges {
			out[edge.Node.ID] = true
		}
		return out
	}
	other := strconv.Itoa(e.otherTech.ID)
	if readable()[other] {
		t.Fatal("a technician reads a colleague with whom he shares no work")
	}
	debut := e.Clock.Now().Add(-time.Hour).Format(time.RFC3339)
	e.As(t, e.resp).MustData(timeLog, map[string]any{"in": map[string]any{"interventionId": ivID, "debut": debut,
		"dureeMinutes": 30, "technicienId": e.otherTech.ID}}, &struct{}{})
	var sheet struct {
		Node struct {
			TempsPasses struct {
				Edges []struct {
					Node struct {
						Technicien struct{ User struct{ NomComplet string } }
					}
				}
			}
		}
	}
	tech.MustData(`query($id: ID!) { node(id: $id) { ... on Intervention { tempsPasses(first: 10) { edges { node {
	  technicien { user { nomComplet } } } } } } } }`, map[string]any{"id": ivID}, &sheet)
	if edges := sheet.Node.TempsPasses.Edges; len(edges) != 1 || edges[0].Node.Technicien.User.NomComplet != e.otherTechUser.NomComplet {
		t.Errorf("the time sheet as its technician: %+v, want the colleague %q", edges, e.otherTechUser.NomComplet)
	}
	if !readable()[other] {
		t.Error("the colleague who logged time on the technician's work is not among the technicians he reads")
	}
}
