package graph_test

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/config"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/localtime"
)

const statsQuery = `query($from: Time!, $to: Time!, $by: [StatsGroupBy!], $where: InterventionWhereInput) {
  maintenanceStats(from: $from, to: $to, groupBy: $by, where: $where) { groups {
    equipementId technicienId clientId type debut fin
    interventions parStatut { statut nombre } parType { type nombre } backlog
    reparations mttrHeures premiereInterventionReussie
    arretHeures pannes equipements disponibilite mtbfHeures
    slaConcernees respectSla preventivesConcernees conformitePreventive
    coutMainOeuvreCentimes coutPiecesCentimes
  } } }`

// statsGroup is a group of the answer; fl are the figures that may be null, by name.
type statsGroup struct {
	EquipementID, TechnicienID, ClientID *string
	Type                                 *string
	Debut, Fin                           time.Time
	Interventions                        int
	ParStatut                            []struct {
		Statut string
		Nombre int
	}
	ParType []struct {
		Type   string
		Nombre int
	}
	Backlog                     int
	Reparations                 int
	MttrHeures                  *float64
	PremiereInterventionReussie *float64
	ArretHeures                 *float64
	Pannes                      *int
	Equipements                 *int
	Disponibilite               *float64
	MtbfHeures                  *float64
	SlaConcernees               int
	RespectSla                  *float64
	PreventivesConcernees       int
	ConformitePreventive        *float64
	CoutMainOeuvreCentimes      int
	CoutPiecesCentimes          int
}

// statsFixture is the data of docs/stats.md's worked example, every figure of which is
// computed there by hand. Times are UTC; the server's zone is Europe/Paris (UTC+1 in winter),
// so January is [2025-12-31 23:00, 2026-01-31 23:00) and February [2026-01-31 23:00,
// 2026-02-28 23:00).
type statsFixture struct {
	env                    *apptest.Env
	admin, clientS1, techU *ent.User
	e1, e2, e3             *ent.Equipement
	t1, t2                 *ent.Technicien
	s1, s2                 *ent.Societe
}

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func newStatsFixture(t *testing.T) *statsFixture {
	t.Helper()
	paris, err := localtime.Load("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	env := apptest.New(t, func(c *config.Config) { c.Zone = paris })
	env.Clock.Set(utc("2026-03-15 00:00"))
	ctx, c := env.Sys, env.Client
	f := &statsFixture{env: env}
	f.admin = env.User(t, "Admin", domain.RoleAdmin)
	f.clientS1 = env.User(t, "ClientS1", domain.RoleClient)
	f.techU = env.User(t, "T1", domain.RoleTechnicien)
	t2u := env.User(t, "T2", domain.RoleTechnicien)
	f.t1 = c.Technicien.Create().SetUser(f.techU).SetTauxHoraireCentimes(6000).SaveX(ctx)
	f.t2 = c.Technicien.Create().SetUser(t2u).SetTauxHoraireCentimes(4000).SaveX(ctx)
	f.s1 = c.Societe.Create().SetNom("S1").SetCode("S1").AddUsers(f.clientS1).SaveX(ctx)
	f.s2 = c.Societe.Create().SetNom("S2").SetCode("S2").SaveX(ctx)
	f.e1 = c.Equipement.Create().SetNom("E1").SetCode("E1").SetClient(f.s1).SaveX(ctx)
	f.e2 = c.Equipement.Create().SetNom("E2").SetCode("E2").SetClient(f.s1).SaveX(ctx)
	f.e3 = c.Equipement.Create().SetNom("E3").SetCode("E3").SetClient(f.s2).SaveX(ctx)

	type step struct {
		statut domain.InterventionStatut
		at     string
		tech   *ent.Technicien
	}
	work := func(titre string, typ domain.InterventionType, statut domain.InterventionStatut, eq *ent.Equipement, tech *ent.Technicien,
		soc *ent.Societe, created string, set func(*ent.InterventionCreate), steps ...step) *ent.Intervention {
		ic := c.Intervention.Create().SetTitre(titre).SetType(typ).SetStatut(statut).SetEquipement(eq).SetClient(soc).
			SetDateCreation(utc(created))
		if tech != nil {
			ic.SetTechnicien(tech)
		}
		if set != nil {
			set(ic)
		}
		iv := ic.SaveX(ctx)
		for _, s := range append([]step{{domain.StatutOuverte, created, nil}}, steps...) {
			h := c.HistoriqueIntervention.Create().SetIntervention(iv).SetUser(f.admin).SetNouveauStatut(s.statut).SetHorodatage(utc(s.at))
			if s.tech != nil {
				h.SetTechnicien(s.tech)
			}
			h.SaveX(ctx)
		}
		return iv
	}
	i1 := work("I1", domain.TypeCorrective, domain.StatutCloturee, f.e1, f.t1, f.s1, "2026-01-10 08:00", func(ic *ent.InterventionCreate) {
		ic.SetDateDebut(utc("2026-01-10 10:00")).SetDateCloture(utc("2026-01-10 14:00")).SetDateLimite(utc("2026-01-10 12:00"))
	}, step{domain.StatutAffectee, "2026-01-10 09:00", f.t1}, step{domain.StatutEnCours, "2026-01-10 10:00", f.t1},
		step{domain.StatutCloturee, "2026-01-10 14:00", f.t1})
	i2 := work("I2", domain.TypeCorrective, domain.StatutCloturee, f.e1, f.t1, f.s1, "2026-01-20 08:00", func(ic *ent.InterventionCreate) {
		ic.SetDateCloture(utc("2026-02-02 08:00")).SetDateLimite(utc("2026-02-05 00:00"))
	}, step{domain.StatutAffectee, "2026-01-20 09:00", f.t1}, step{domain.StatutEnAttente, "2026-01-21 09:00", f.t1},
		step{domain.StatutCloturee, "2026-02-02 08:00", f.t1})
	work("I3", domain.TypeCorrective, domain.StatutEnCours, f.e2, f.t2, f.s1, "2026-01-25 00:00", func(ic *ent.InterventionCreate) {
		ic.SetDateDebut(utc("2026-01-25 02:00")).SetDateLimite(utc("2026-01-26 00:00"))
	}, step{domain.StatutEnCours, "2026-01-25 02:00", f.t2})
	work("I4", domain.TypePreventive, domain.StatutCloturee, f.e3, f.t2, f.s2, "2026-01-05 00:00", func(ic *ent.InterventionCreate) {
		ic.SetDateEcheance(utc("2026-01-15 00:00")).SetDateCloture(utc("2026-01-14 00:00"))
	})
	i5 := work("I5", domain.TypePreventive, domain.StatutCloturee, f.e3, f.t2, f.s2, "2026-02-01 00:00", func(ic *ent.InterventionCreate) {
		ic.SetDateEcheance(utc("2026-02-10 00:00")).SetDateCloture(utc("2026-02-12 00:00"))
	})
	work("I6", domain.TypeCorrective, domain.StatutAnnulee, f.e2, nil, f.s1, "2026-02-03 00:00", func(ic *ent.InterventionCreate) {
		ic.SetDateLimite(utc("2026-02-06 00:00"))
	}, step{domain.StatutAnnulee, "2026-02-04 00:00", nil})
	work("I7", domain.TypeCorrective, domain.StatutOuverte, f.e1, f.t1, f.s1, "2025-12-15 00:00", nil)
	work("I8", domain.TypePreventive, domain.StatutOuverte, f.e1, nil, f.s1, "2026-02-20 00:00", func(ic *ent.InterventionCreate) {
		ic.SetDateEcheance(utc("2026-03-10 00:00"))
	})

	entry := func(iv *ent.Intervention, tech *ent.Technicien, minutes *int, taux int64) {
		e := c.TempsPasse.Create().SetIntervention(iv).SetTechnicien(tech).SetUserID(tech.UserID).
			SetDebut(iv.DateCreation).SetTauxHoraireCentimes(taux)
		if minutes != nil {
			e.SetDureeMinutes(*minutes).SetFin(iv.DateCreation.Add(time.Duration(*minutes) * time.Minute))
		}
		e.SaveX(ctx)
	}
	n := func(v int) *int { return &v }
	entry(i1, f.t1, n(90), 6000)
	entry(i1, f.t2, n(30), 4000)
	entry(i2, f.t2, nil, 4000) // running: not counted
	entry(i5, f.t1, n(45), 6000)
	p1 := c.Piece.Create().SetReference("P1").SetDesignation("Joint").SaveX(ctx)
	p2 := c.Piece.Create().SetReference("P2").SetDesignation("Courroie").SaveX(ctx)
	c.InterventionPiece.Create().SetIntervention(i1).SetPiece(p1).SetQuantite(2).SetPrixUnitaireCentimes(1500).SaveX(ctx)
	c.InterventionPiece.Create().SetIntervention(i2).SetPiece(p2).SetQuantite(1).SetPrixUnitaireCentimes(2500).SaveX(ctx)

	stop := func(eq *ent.Equipement, iv *ent.Intervention, debut, fin string) {
		a := c.ArretEquipement.Create().SetEquipement(eq).SetDebut(utc(debut)).SetUser(f.admin)
		if iv != nil {
			a.SetIntervention(iv)
		}
		if fin != "" {
			a.SetFin(utc(fin))
		}
		a.SaveX(ctx)
	}
	stop(f.e1, i1, "2026-01-10 08:00", "2026-01-10 14:00")
	stop(f.e1, nil, "2026-01-10 12:00", "2026-01-10 16:00") // overlaps the first
	stop(f.e1, nil, "2026-01-31 20:00", "2026-02-01 02:00") // across the months
	stop(f.e2, nil, "2025-12-31 20:00", "2026-01-01 01:00") // begins before the window
	stop(f.e2, nil, "2026-02-27 23:00", "")                 // still running
	return f
}

func (f *statsFixture) ask(t *testing.T, u *ent.User, from, to string, by []string, where map[string]any) []statsGroup {
	t.Helper()
	var out struct{ MaintenanceStats struct{ Groups []statsGroup } }
	vars := map[string]any{"from": from, "to": to, "by": by}
	if where != nil {
		vars["where"] = where
	}
	f.env.As(t, u).MustData(statsQuery, vars, &out)
	return out.MaintenanceStats.Groups
}

// figures renders a group as "name=value" lines, null figures as "name=null", ratios to 6
// decimals: the form the expected values are written in.
func figures(g statsGroup) string {
	var b strings.Builder
	f := func(name string, v *float64) {
		if v == nil {
			fmt.Fprintf(&b, "%s=null ", name)
		} else {
			fmt.Fprintf(&b, "%s=%.6f ", name, *v)
		}
	}
	i := func(name string, v *int) {
		if v == nil {
			fmt.Fprintf(&b, "%s=null ", name)
		} else {
			fmt.Fprintf(&b, "%s=%d ", name, *v)
		}
	}
	fmt.Fprintf(&b, "interventions=%d statuts=%v types=%v backlog=%d reparations=%d ", g.Interventions, g.ParStatut, g.ParType, g.Backlog, g.Reparations)
	f("mttr", g.MttrHeures)
	f("ftf", g.PremiereInterventionReussie)
	f("arret", g.ArretHeures)
	i("pannes", g.Pannes)
	i("equipements", g.Equipements)
	f("dispo", g.Disponibilite)
	f("mtbf", g.MtbfHeures)
	fmt.Fprintf(&b, "sla=%d ", g.SlaConcernees)
	f("respectSla", g.RespectSla)
	fmt.Fprintf(&b, "prev=%d ", g.PreventivesConcernees)
	f("conformite", g.ConformitePreventive)
	fmt.Fprintf(&b, "mo=%d pieces=%d", g.CoutMainOeuvreCentimes, g.CoutPiecesCentimes)
	return b.String()
}

func pct(num, den float64) float64 { return 100 * num / den }

func fig(v float64) string { return fmt.Sprintf("%.6f", v) }

const (
	window0 = "2026-01-01T00:00:00+01:00"
	window1 = "2026-03-01T00:00:00+01:00"
)

// TestMaintenanceStats checks every figure against the worked example of docs/stats.md,
// computed by hand: the whole window, per equipment and month (a stop across the months, one
// that began before the window, one still running, two that overlap), as a client (his
// company's only) and as a technician (his own work), and a window that runs past now. Run
// with the frozen clock and with the real one.
func TestMaintenanceStats(t *testing.T) {
	for _, real := range []bool{false, true} {
		t.Run(map[bool]string{false: "FrozenClock", true: "RealClock"}[real], func(t *testing.T) {
			f := newStatsFixture(t)
			if real {
				f.env.Clock.Run()
			}
			e1, e2, e3 := strconv.Itoa(f.e1.ID), strconv.Itoa(f.e2.ID), strconv.Itoa(f.e3.ID)
			const jan, feb = 744.0, 672.0 // hours in the months of Paris
			whole := jan + feb
			expect := func(what string, got statsGroup, want string) {
				t.Helper()
				if g := figures(got); g != want {
					t.Errorf("%s:\n got: %s\nwant: %s", what, g, want)
				}
			}

			t.Run("Whole", func(t *testing.T) {
				gs := f.ask(t, f.admin, window0, window1, nil, nil)
				if len(gs) != 1 {
					t.Fatalf("%d groups, want 1", len(gs))
				}
				expect("whole window", gs[0], "interventions=7 statuts=[{OUVERTE 1} {EN_COURS 1} {CLOTUREE 4} {ANNULEE 1}] types=[{CORRECTIVE 4} {PREVENTIVE 3}] backlog=3 reparations=2 "+
					"mttr=158.000000 ftf=50.000000 arret=40.000000 pannes=3 equipements=3 dispo="+fig(pct(3*whole-40, 3*whole))+" mtbf="+fig((3*whole-40)/3)+" "+
					"sla=3 respectSla="+fig(100.0/3)+" prev=2 conformite=50.000000 mo=15500 pieces=5500")
				if !gs[0].Debut.Equal(utc("2025-12-31 23:00")) || !gs[0].Fin.Equal(utc("2026-02-28 23:00")) {
					t.Errorf("period %s – %s", gs[0].Debut, gs[0].Fin)
				}
			})

			t.Run("EquipementMois", func(t *testing.T) {
				gs := f.ask(t, f.admin, window0, window1, []string{"EQUIPEMENT", "MOIS"}, nil)
				want := map[string]string{
					e1 + " 2025-12-31 23:00": "interventions=2 statuts=[{CLOTUREE 2}] types=[{CORRECTIVE 2}] backlog=2 reparations=1 mttr=4.000000 ftf=100.000000 " +
						"arret=11.000000 pannes=2 equipements=1 dispo=" + fig(pct(jan-11, jan)) + " mtbf=" + fig((jan-11)/2) + " sla=1 respectSla=0.000000 prev=0 conformite=null mo=11000 pieces=5500",
					e1 + " 2026-01-31 23:00": "interventions=1 statuts=[{OUVERTE 1}] types=[{PREVENTIVE 1}] backlog=2 reparations=1 mttr=312.000000 ftf=0.000000 " +
						"arret=3.000000 pannes=0 equipements=1 dispo=" + fig(pct(feb-3, feb)) + " mtbf=null sla=1 respectSla=100.000000 prev=0 conformite=null mo=0 pieces=0",
					e2 + " 2025-12-31 23:00": "interventions=1 statuts=[{EN_COURS 1}] types=[{CORRECTIVE 1}] backlog=1 reparations=0 mttr=null ftf=null " +
						"arret=2.000000 pannes=0 equipements=1 dispo=" + fig(pct(jan-2, jan)) + " mtbf=null sla=1 respectSla=0.000000 prev=0 conformite=null mo=0 pieces=0",
					e2 + " 2026-01-31 23:00": "interventions=1 statuts=[{ANNULEE 1}] types=[{CORRECTIVE 1}] backlog=1 reparations=0 mttr=null ftf=null " +
						"arret=24.000000 pannes=1 equipements=1 dispo=" + fig(pct(feb-24, feb)) + " mtbf=" + fig(feb-24) + " sla=0 respectSla=null prev=0 conformite=null mo=0 pieces=0",
					e3 + " 2025-12-31 23:00": "interventions=1 statuts=[{CLOTUREE 1}] types=[{PREVENTIVE 1}] backlog=0 reparations=0 mttr=null ftf=null " +
						"arret=0.000000 pannes=0 equipements=1 dispo=100.000000 mtbf=null sla=0 respectSla=null prev=1 conformite=100.000000 mo=0 pieces=0",
					e3 + " 2026-01-31 23:00": "interventions=1 statuts=[{CLOTUREE 1}] types=[{PREVENTIVE 1}] backlog=0 reparations=0 mttr=null ftf=null " +
						"arret=0.000000 pannes=0 equipements=1 dispo=100.000000 mtbf=null sla=0 respectSla=null prev=1 conformite=0.000000 mo=4500 pieces=0",
				}
				seen := map[string]bool{}
				for _, g := range gs {
					k := *g.EquipementID + " " + g.Debut.UTC().Format("2006-01-02 15:04")
					w, ok := want[k]
					if !ok {
						t.Errorf("unexpected group %s: %s", k, figures(g))
						continue
					}
					seen[k] = true
					expect(k, g, w)
				}
				if len(seen) != len(want) {
					t.Errorf("%d groups of %d expected: %v", len(seen), len(want), seen)
				}
			})

			t.Run("Client", func(t *testing.T) {
				gs := f.ask(t, f.clientS1, window0, window1, nil, nil)
				if len(gs) != 1 {
					t.Fatalf("%d groups, want 1", len(gs))
				}
				expect("client S1", gs[0], "interventions=5 statuts=[{OUVERTE 1} {EN_COURS 1} {CLOTUREE 2} {ANNULEE 1}] types=[{CORRECTIVE 4} {PREVENTIVE 1}] backlog=3 reparations=2 "+
					"mttr=158.000000 ftf=50.000000 arret=40.000000 pannes=3 equipements=2 dispo="+fig(pct(2*whole-40, 2*whole))+" mtbf="+fig((2*whole-40)/3)+" "+
					"sla=3 respectSla="+fig(100.0/3)+" prev=0 conformite=null mo=11000 pieces=5500")
				// Grouped by client, he gets his company's group only.
				for _, g := range f.ask(t, f.clientS1, window0, window1, []string{"CLIENT"}, nil) {
					if g.ClientID == nil || *g.ClientID != strconv.Itoa(f.s1.ID) {
						t.Errorf("a client gets the figures of client %v", g.ClientID)
					}
				}
			})

			t.Run("Technicien", func(t *testing.T) {
				gs := f.ask(t, f.techU, window0, window1, []string{"TECHNICIEN"}, nil)
				if len(gs) != 1 || gs[0].TechnicienID == nil || *gs[0].TechnicienID != strconv.Itoa(f.t1.ID) {
					t.Fatalf("a technician gets the groups %+v; want his own only", gs)
				}
				expect("technician T1", gs[0], "interventions=2 statuts=[{CLOTUREE 2}] types=[{CORRECTIVE 2}] backlog=1 reparations=2 "+
					"mttr=158.000000 ftf=50.000000 arret=null pannes=null equipements=null dispo=null mtbf=null "+
					"sla=2 respectSla=50.000000 prev=0 conformite=null mo=11000 pieces=5500")
			})

			t.Run("Where", func(t *testing.T) {
				gs := f.ask(t, f.admin, window0, window1, []string{"TYPE"}, map[string]any{"equipementID": e1})
				if len(gs) != 2 || *gs[0].Type != "CORRECTIVE" || gs[0].Interventions != 2 || *gs[1].Type != "PREVENTIVE" || gs[1].Interventions != 1 {
					t.Errorf("E1 by type: %+v", gs)
				}
			})

			t.Run("PastNow", func(t *testing.T) {
				// March runs past now (2026-03-15 00:00): it counts up to now, the running stop
				// of E2 included: 14 days and 1 hour, all of them stopped.
				gs := f.ask(t, f.admin, window1, "2026-04-01T00:00:00+02:00", []string{"EQUIPEMENT", "MOIS"}, nil)
				var g2 *statsGroup
				for i := range gs {
					if *gs[i].EquipementID == e2 {
						g2 = &gs[i]
					}
				}
				if g2 == nil {
					t.Fatalf("no group for E2: %+v", gs)
				}
				if !g2.Fin.Equal(utc("2026-03-31 22:00")) || g2.Backlog != 1 || g2.ArretHeures == nil || g2.Disponibilite == nil {
					t.Fatalf("E2 in March: %s (%s – %s)", figures(*g2), g2.Debut, g2.Fin)
				}
				running := f.env.Clock.Now().Sub(utc("2026-02-28 23:00")).Hours()
				if math.Abs(*g2.ArretHeures-running) > 0.01 || *g2.Disponibilite > 0.01 {
					t.Errorf("E2 in March: %.4f h stopped, %.4f %% available; want %.4f h, 0 %%", *g2.ArretHeures, *g2.Disponibilite, running)
				}
			})

			t.Run("BadInput", func(t *testing.T) {
				api := f.env.As(t, f.admin)
				for _, vars := range []map[string]any{
					{"from": window1, "to": window0},
					{"from": window0, "to": window1, "by": []string{"MOIS", "SEMAINE"}},
					{"from": "2000-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"},
				} {
					if err := api.MustFail(statsQuery, vars); err.Code() != string(domain.CodeBadUserInput) {
						t.Errorf("%v: %s", vars, err.Code())
					}
				}
			})
		})
	}
}
