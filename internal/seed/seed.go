// Package seed fills an empty database with a deterministic, realistic dataset for demos
// and benchmarks: `erp seed --size small|large`. The same size always produces the same rows.
package seed

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/emplacement"
	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/facts"
	"github.com/mifmaroc/erp/internal/viewer"
)

// Size is how much to create.
type Size struct {
	Name          string
	Equipements   int
	Techniciens   int
	Clients       int
	Interventions int
	Plannings     int
	// Places: Sites, each with Batiments, each with Zones; the equipment is spread over
	// the zones.
	Sites, Batiments, Zones int
}

// Sizes are the datasets `erp seed` knows.
var Sizes = map[string]Size{
	"small": {Name: "small", Equipements: 50, Techniciens: 10, Clients: 5, Interventions: 1000, Plannings: 40,
		Sites: 2, Batiments: 3, Zones: 4},
	"large": {Name: "large", Equipements: 2000, Techniciens: 200, Clients: 50, Interventions: 100000, Plannings: 1500,
		Sites: 10, Batiments: 10, Zones: 99},
}

// Password is the password of every seeded user.
const Password = "seed-mot-de-passe"

// batch is the rows per INSERT: under both databases' parameter limits.
const batch = 500

// Run creates the dataset of size s in an empty database, writing progress to out. now is
// the reference date: interventions spread over the year before it.
func Run(ctx context.Context, client *ent.Client, s Size, now time.Time, cost int, out io.Writer) error {
	// The interventions' facts are computed once at the end, not at each bulk insert.
	ctx = facts.Deferred(viewer.SystemContext(ctx))
	if n, err := client.Intervention.Query().Count(ctx); err != nil {
		return err
	} else if n > 0 {
		return fmt.Errorf("the database already has %d interventions: seed an empty database (a new DATA_DIR or DATABASE_URL)", n)
	}
	rng := rand.New(rand.NewPCG(42, uint64(len(s.Name))))
	start := time.Now()
	step := func(format string, args ...any) {
		_, _ = fmt.Fprintf(out, "[%6.1fs] "+format+"\n", append([]any{time.Since(start).Seconds()}, args...)...)
	}
	hash, err := auth.HashPassword(Password, cost)
	if err != nil {
		return err
	}

	// People.
	mkUsers := func(prefix string, role domain.Role, n int) ([]*ent.User, error) {
		return bulk(ctx, n, func(i int) *ent.UserCreate {
			return client.User.Create().SetEmail(fmt.Sprintf("%s%d@seed.mif.ma", prefix, i+1)).
				SetNomComplet(fmt.Sprintf("%s %d", prefix, i+1)).SetPasswordHash(hash).SetRole(role)
		}, client.User.CreateBulk)
	}
	resps, err := mkUsers("responsable", domain.RoleResponsable, 5)
	if err != nil {
		return err
	}
	techUsers, err := mkUsers("technicien", domain.RoleTechnicien, s.Techniciens)
	if err != nil {
		return err
	}
	clientUsers, err := mkUsers("client", domain.RoleClient, s.Clients)
	if err != nil {
		return err
	}
	equipes := []string{"Froid", "Électricité", "Mécanique", "Hydraulique", "Automatisme"}
	techs, err := bulk(ctx, s.Techniciens, func(i int) *ent.TechnicienCreate {
		return client.Technicien.Create().SetUserID(techUsers[i].ID).SetEquipe(equipes[i%len(equipes)]).
			SetTauxHoraireCentimes(int64(8000 + rng.IntN(8000)))
	}, client.Technicien.CreateBulk)
	if err != nil {
		return err
	}
	societes, err := bulk(ctx, s.Clients, func(i int) *ent.SocieteCreate {
		return client.Societe.Create().SetNom(fmt.Sprintf("Société %d", i+1)).SetCode(fmt.Sprintf("CL-%04d", i+1)).
			SetVille([]string{"Casablanca", "Rabat", "Tanger", "Agadir", "Fès"}[i%5]).AddUserIDs(clientUsers[i].ID)
	}, client.Societe.CreateBulk)
	if err != nil {
		return err
	}
	step("%d users, %d technicians, %d client companies", 5+s.Techniciens+s.Clients, len(techs), len(societes))
	held, err := seedSkills(ctx, client, s, techs, equipes)
	if err != nil {
		return err
	}
	step("%d skills, held %d times", len(catalogue), held)

	// Assets.
	zones, err := places(ctx, client, s)
	if err != nil {
		return fmt.Errorf("places: %w", err)
	}
	step("%d places", s.Sites*(1+s.Batiments*(1+s.Zones)))
	kinds := []string{"Pompe", "Compresseur", "Chaudière", "Convoyeur", "Groupe froid", "Transformateur", "Presse"}
	equipements, err := bulk(ctx, s.Equipements, func(i int) *ent.EquipementCreate {
		c := client.Equipement.Create().SetNom(fmt.Sprintf("%s %d", kinds[i%len(kinds)], i+1)).SetCode(fmt.Sprintf("EQ-%05d", i+1)).
			SetCategorie(kinds[i%len(kinds)]).SetLocalisation(fmt.Sprintf("Atelier %d", 1+i%12)).
			SetCriticite(domain.Criticite(domain.Criticite("").Values()[rng.IntN(4)]))
		if i%3 == 0 {
			c.SetClientID(societes[i%len(societes)].ID)
		}
		// Spread by a stride rather than drawn: the generator's draws, and so the rest of
		// the dataset, stay what they were before places.
		if len(zones) > 0 {
			c.SetEmplacementID(zones[(i*7919)%len(zones)])
		}
		return c
	}, client.Equipement.CreateBulk)
	if err != nil {
		return err
	}
	// The parts draw from a generator of their own, so that the rest of the dataset stays
	// what it was before the catalogue had more than a stock and a price.
	prng := rand.New(rand.NewPCG(43, uint64(len(s.Name))))
	pieces, specs, err := partsCatalogue(ctx, client, 200, rng, prng)
	if err != nil {
		return err
	}
	freqs := domain.Frequence("").Values()
	_, err = bulk(ctx, s.Plannings, func(i int) *ent.PlanningCreate {
		first := now.AddDate(0, 0, rng.IntN(90)-30).Truncate(time.Hour)
		c := client.Planning.Create().SetTitre(fmt.Sprintf("Entretien préventif %d", i+1)).
			SetFrequence(domain.Frequence(freqs[rng.IntN(len(freqs))])).SetProchaineDate(first).SetDateDebut(first).
			SetEquipementID(equipements[rng.IntN(len(equipements))].ID).SetDureeEstimee(30 + rng.IntN(240))
		if i%2 == 0 {
			c.SetTechnicienID(techs[rng.IntN(len(techs))].ID)
		}
		return c
	}, client.Planning.CreateBulk)
	if err != nil {
		return err
	}
	step("%d equipements, %d parts, %d plannings", len(equipements), len(pieces), s.Plannings)
	covering, err := contracts(ctx, client, societes, equipements, now)
	if err != nil {
		return err
	}
	step("contracts covering %d equipements", len(covering))

	// Work: interventions in every status, with their history, documents and notifications.
	statuts := []domain.InterventionStatut{"OUVERTE", "AFFECTEE", "EN_COURS", "EN_ATTENTE", "CLOTUREE", "CLOTUREE", "CLOTUREE", "ARCHIVEE", "ANNULEE"}
	path := map[domain.InterventionStatut][]domain.InterventionStatut{
		"OUVERTE": {"OUVERTE"}, "AFFECTEE": {"OUVERTE", "AFFECTEE"}, "EN_COURS": {"OUVERTE", "AFFECTEE", "EN_COURS"},
		"EN_ATTENTE": {"OUVERTE", "AFFECTEE", "EN_COURS", "EN_ATTENTE"},
		"CLOTUREE":   {"OUVERTE", "AFFECTEE", "EN_COURS", "CLOTUREE"}, "ARCHIVEE": {"OUVERTE", "AFFECTEE", "EN_COURS", "CLOTUREE", "ARCHIVEE"},
		"ANNULEE": {"OUVERTE", "ANNULEE"},
	}
	problems := []string{"Fuite", "Bruit anormal", "Surchauffe", "Arrêt", "Vibration", "Alarme", "Usure", "Défaut électrique"}
	prios := domain.Priorite("").Values()
	types := domain.InterventionType("").Values()
	staff := resps[0].ID
	var uses []use
	for done := 0; done < s.Interventions; done += batch {
		n := min(batch, s.Interventions-done)
		type plan struct {
			statut  domain.InterventionStatut
			created time.Time
			tech    *ent.Technicien
		}
		plans := make([]plan, n)
		creates := make([]*ent.InterventionCreate, n)
		for i := range creates {
			k := done + i
			st := statuts[rng.IntN(len(statuts))]
			created := now.Add(-time.Duration(rng.IntN(365*24)) * time.Hour)
			eq := equipements[rng.IntN(len(equipements))]
			prio := domain.Priorite(prios[rng.IntN(len(prios))])
			c := client.Intervention.Create().
				SetTitre(fmt.Sprintf("%s %s (#%d)", problems[k%len(problems)], eq.Nom, k+1)).
				SetDescription(fmt.Sprintf("Signalé sur %s, %s.", eq.Nom, eq.Localisation)).
				SetType(domain.InterventionType(types[rng.IntN(len(types))])).
				SetStatut(st).SetPriorite(prio).SetEquipementID(eq.ID).
				SetDateCreation(created).SetDemandeurID(staff).
				SetDateLimite(created.Add(time.Duration(2+rng.IntN(160)) * time.Hour)).
				SetDureeEstimee(30 + rng.IntN(480))
			// A running server has already warned about open work past its deadline: without
			// this (and the notification below) its first deadline check would start by
			// mailing tens of thousands.
			if limite, _ := c.Mutation().DateLimite(); st.Open() && limite.Before(now.Add(24*time.Hour)) {
				c.SetDateAlerteEcheance(now)
			}
			p := plan{statut: st, created: created}
			if st != domain.StatutOuverte && st != domain.StatutAnnulee {
				p.tech = techs[rng.IntN(len(techs))]
				c.SetTechnicienID(p.tech.ID).SetDateAffectation(created.Add(time.Hour))
			}
			if eq.ClientID != nil {
				c.SetClientID(*eq.ClientID)
				if ct, ok := covering[eq.ID]; ok {
					c.SetContratID(ct)
				}
			}
			if st == domain.StatutCloturee || st == domain.StatutArchivee {
				c.SetDateCloture(created.Add(time.Duration(4+rng.IntN(100)) * time.Hour))
			}
			plans[i], creates[i] = p, c
		}
		ivs, err := client.Intervention.CreateBulk(creates...).Save(ctx)
		if err != nil {
			return fmt.Errorf("interventions %d–%d: %w", done+1, done+n, err)
		}
		var hist []*ent.HistoriqueInterventionCreate
		var docs []*ent.DocumentCreate
		var notes []*ent.NotificationCreate
		for i, iv := range ivs {
			steps := path[plans[i].statut]
			for j, st := range steps {
				h := client.HistoriqueIntervention.Create().SetInterventionID(iv.ID).SetUserID(staff).
					SetNouveauStatut(st).SetHorodatage(plans[i].created.Add(time.Duration(j) * 90 * time.Minute))
				if j > 0 {
					h.SetAncienStatut(steps[j-1])
				}
				if t := plans[i].tech; t != nil && st != domain.StatutOuverte {
					h.SetTechnicienID(t.ID)
				}
				hist = append(hist, h)
			}
			if (done+i)%4 == 0 {
				docs = append(docs, client.Document.Create().SetInterventionID(iv.ID).SetFilename("photo.jpg").
					SetPath(fmt.Sprintf("seed/%07d.jpg", done+i)).SetMimeType("image/jpeg").
					SetSize(int64(20000+rng.IntN(2000000))).SetSha256(fmt.Sprintf("%064x", done+i)).SetUploadedByID(staff))
			}
			if t := plans[i].tech; t != nil && plans[i].statut != domain.StatutAffectee {
				uses = append(uses, use{intervention: iv.ID, user: t.UserID, at: plans[i].created.Add(3 * time.Hour)})
			}
			if t := plans[i].tech; t != nil {
				notes = append(notes, client.Notification.Create().SetUserID(t.UserID).SetInterventionID(iv.ID).
					SetType(domain.NotificationAffectation).SetSujet("Intervention affectée : "+iv.Titre).
					SetMessage("Intervention affectée.").SetStatutEnvoi(domain.EnvoiEnvoyee).SetLu(rng.IntN(2) == 0))
			}
			if iv.DateAlerteEcheance != nil {
				notes = append(notes, client.Notification.Create().SetUserID(staff).SetInterventionID(iv.ID).
					SetType(domain.NotificationRetard).SetSujet("Échéance : "+iv.Titre).
					SetMessage("Échéance dépassée.").SetStatutEnvoi(domain.EnvoiEnvoyee))
			}
		}
		if err := insertAll(ctx, hist, client.HistoriqueIntervention.CreateBulk); err != nil {
			return err
		}
		if err := insertAll(ctx, docs, client.Document.CreateBulk); err != nil {
			return err
		}
		if err := insertAll(ctx, notes, client.Notification.CreateBulk); err != nil {
			return err
		}
		if (done/batch)%20 == 19 || done+n == s.Interventions {
			step("%d / %d interventions with their history, documents and notifications", done+n, s.Interventions)
		}
	}
	required, err := requireSkills(ctx, client)
	if err != nil {
		return err
	}
	step("%d interventions require a skill", required)
	moves, err := ledger(ctx, client, prng, pieces, specs, uses, staff, now)
	if err != nil {
		return err
	}
	step("%d stock movements over %d parts", moves, len(pieces))
	requests, err := demandes(ctx, client, s, clientUsers, techUsers, societes, equipements, staff, now)
	if err != nil {
		return fmt.Errorf("work requests: %w", err)
	}
	step("%d work requests", requests)
	if err := facts.RefreshAll(ctx, client); err != nil {
		return err
	}
	step("facts of the interventions computed (history, labour, parts)")
	// Fresh statistics (and, on PostgreSQL, the visibility map for index-only counts): the
	// planner would otherwise see the tables as empty until autovacuum comes by.
	if _, err := client.ExecContext(ctx, sqlVacuumAnalyze); err != nil {
		if _, err := client.ExecContext(ctx, sqlAnalyze); err != nil {
			return fmt.Errorf("updating statistics: %w", err)
		}
	}
	step("statistics updated")
	step("done: size %s; every seeded user's password is %q (e.g. responsable1@seed.mif.ma)", s.Name, Password)
	return nil
}

// places creates the tree of places of size s (Usine 1 → Bâtiment 1.1 → Zone 1.1.1) and
// returns the ids of its zones.
func places(ctx context.Context, client *ent.Client, s Size) ([]int, error) {
	level := func(parents []*ent.Emplacement, n int, typ emplacement.Type, name string) ([]*ent.Emplacement, error) {
		return bulk(ctx, max(len(parents), 1)*n, func(i int) *ent.EmplacementCreate {
			c := client.Emplacement.Create().SetType(typ)
			if parents == nil {
				return c.SetNom(fmt.Sprintf("%s %d", name, i+1)).SetCode(fmt.Sprintf("S%d", i+1))
			}
			p := parents[i/n]
			return c.SetNom(fmt.Sprintf("%s %s.%d", name, p.Nom[strings.LastIndexByte(p.Nom, ' ')+1:], i%n+1)).SetParentID(p.ID)
		}, client.Emplacement.CreateBulk)
	}
	sites, err := level(nil, s.Sites, emplacement.TypeSITE, "Usine")
	if err != nil {
		return nil, err
	}
	batiments, err := level(sites, s.Batiments, emplacement.TypeBATIMENT, "Bâtiment")
	if err != nil {
		return nil, err
	}
	zones, err := level(batiments, s.Zones, emplacement.TypeZONE, "Zone")
	if err != nil {
		return nil, err
	}
	ids := make([]int, len(zones))
	for i, z := range zones {
		ids[i] = z.ID
	}
	return ids, nil
}

// bulk creates n rows in batches.
func bulk[C any, R any, B interface {
	Save(context.Context) ([]R, error)
}](ctx context.Context, n int, mk func(int) C, create func(...C) B) ([]R, error) {
	out := make([]R, 0, n)
	for from := 0; from < n; from += batch {
		cs := make([]C, 0, batch)
		for i := from; i < min(n, from+batch); i++ {
			cs = append(cs, mk(i))
		}
		rows, err := create(cs...).Save(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return out, nil
}

// insertAll inserts creates in batches, without reading the rows back.
func insertAll[C any, B interface{ Exec(context.Context) error }](ctx context.Context, cs []C, create func(...C) B) error {
	for from := 0; from < len(cs); from += batch {
		if err := create(cs[from:min(len(cs), from+batch)]...).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}
