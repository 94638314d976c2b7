package access_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/access"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/viewer"
)

// TestSeesInterventionIsTheQueryRule holds the two readings of the intervention rule
// together: for every viewer, the interventions SeesIntervention accepts from their ids are
// exactly those the database returns to that viewer.
func TestSeesInterventionIsTheQueryRule(t *testing.T) {
	c := testdb.Open(t).Ent
	sys := viewer.SystemContext(context.Background())

	user := func(name string, role domain.Role) *ent.User {
		return c.User.Create().SetEmail(name + "@example.com").SetNomComplet(name).
			SetPasswordHash("x").SetRole(role).SaveX(sys)
	}
	techUser, otherTechUser := user("tech", domain.RoleTechnicien), user("other-tech", domain.RoleTechnicien)
	clientUser, lonelyClient := user("client", domain.RoleClient), user("lonely", domain.RoleClient)
	tech := c.Technicien.Create().SetUser(techUser).SaveX(sys)
	otherTech := c.Technicien.Create().SetUser(otherTechUser).SaveX(sys)
	soc := c.Societe.Create().SetNom("Alpha").SetCode("A").AddUsers(clientUser).SaveX(sys)
	otherSoc := c.Societe.Create().SetNom("Beta").SetCode("B").SaveX(sys)

	// Every combination of technician, company, requester and technician named in charge by
	// a history line, each absent or one of two.
	var all []*ent.Intervention
	worked := map[int][]int{}
	for _, te := range []*ent.Technicien{nil, tech, otherTech} {
		for _, so := range []*ent.Societe{nil, soc, otherSoc} {
			for _, de := range []*ent.User{nil, clientUser, lonelyClient} {
				for _, past := range []*ent.Technicien{nil, tech, otherTech} {
					q := c.Intervention.Create().SetTitre(fmt.Sprintf("iv-%d", len(all)))
					if te != nil {
						q.SetTechnicien(te)
					}
					if so != nil {
						q.SetClient(so)
					}
					if de != nil {
						q.SetDemandeur(de)
					}
					iv := q.SaveX(sys)
					h := c.HistoriqueIntervention.Create().SetIntervention(iv).SetUserID(techUser.ID).
						SetNouveauStatut(domain.StatutOuverte)
					if past != nil {
						h.SetTechnicienID(past.ID)
						worked[iv.ID] = []int{past.ID}
					}
					h.SaveX(sys)
					all = append(all, iv)
				}
			}
		}
	}

	viewers := map[string]*viewer.Viewer{
		"ADMIN":                      {UserID: 1, Role: domain.RoleAdmin},
		"RESPONSABLE":                {UserID: 2, Role: domain.RoleResponsable},
		"TECHNICIEN":                 {UserID: techUser.ID, Role: domain.RoleTechnicien, TechnicienID: tech.ID},
		"TECHNICIEN without profile": {UserID: otherTechUser.ID, Role: domain.RoleTechnicien},
		"CLIENT with company":        {UserID: clientUser.ID, Role: domain.RoleClient, SocieteID: soc.ID},
		"CLIENT without company":     {UserID: lonelyClient.ID, Role: domain.RoleClient},
	}
	for name, v := range viewers {
		t.Run(name, func(t *testing.T) {
			ids, err := c.Intervention.Query().IDs(viewer.NewContext(context.Background(), v))
			if err != nil {
				t.Fatal(err)
			}
			for _, iv := range all {
				inDB := slices.Contains(ids, iv.ID)
				keys := access.EventKeys{TechnicienID: iv.TechnicienID, ClientID: iv.ClientID, DemandeurID: iv.DemandeurID,
					Intervenants: worked[iv.ID]}
				if sees := access.SeesIntervention(v, keys); sees != inDB {
					t.Errorf("%s (technicien %v, client %v, demandeur %v, worked %v): SeesIntervention = %v, database says %v",
						iv.Titre, deref(iv.TechnicienID), deref(iv.ClientID), deref(iv.DemandeurID), worked[iv.ID], sees, inDB)
				}
			}
		})
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestSeesDemandeIsTheQueryRule holds the two readings of the rule of work requests
// together, and through it that of their comments: for every viewer, the requests SeesDemande
// accepts from their ids are exactly those the database returns, and SeesCommentaire accepts
// a comment on them exactly when the database returns it to him.
func TestSeesDemandeIsTheQueryRule(t *testing.T) {
	c := testdb.Open(t).Ent
	sys := viewer.SystemContext(context.Background())

	user := func(name string, role domain.Role) *ent.User {
		return c.User.Create().SetEmail(name + "@example.com").SetNomComplet(name).
			SetPasswordHash("x").SetRole(role).SaveX(sys)
	}
	staff := user("staff", domain.RoleResponsable)
	techUser, clientUser := user("tech", domain.RoleTechnicien), user("client", domain.RoleClient)
	colleague, lonelyClient := user("colleague", domain.RoleClient), user("lonely", domain.RoleClient)
	tech := c.Technicien.Create().SetUser(techUser).SaveX(sys)
	soc := c.Societe.Create().SetNom("Alpha").SetCode("A").AddUsers(clientUser, colleague).SaveX(sys)
	otherSoc := c.Societe.Create().SetNom("Beta").SetCode("B").SaveX(sys)
	eq := c.Equipement.Create().SetNom("Pompe").SetCode("EQ").SaveX(sys)

	// Every combination of submitter and company, each comment public and internal.
	var all []*ent.DemandeIntervention
	comments := map[int][]*ent.Commentaire{}
	for _, by := range []*ent.User{staff, techUser, clientUser, colleague, lonelyClient} {
		for _, so := range []*ent.Societe{nil, soc, otherSoc} {
			q := c.DemandeIntervention.Create().SetTitre(fmt.Sprintf("d-%d", len(all))).SetDescription("x").
				SetEquipement(eq).SetDemandeur(by)
			if so != nil {
				q.SetSocieteID(so.ID)
			}
			d := q.SaveX(sys)
			for _, interne := range []bool{false, true} {
				comments[d.ID] = append(comments[d.ID], c.Commentaire.Create().SetDemande(d).SetAuteur(staff).
					SetTexte("x").SetInterne(interne).SaveX(sys))
			}
			all = append(all, d)
		}
	}

	viewers := map[string]*viewer.Viewer{
		"RESPONSABLE":            {UserID: staff.ID, Role: domain.RoleResponsable},
		"TECHNICIEN":             {UserID: techUser.ID, Role: domain.RoleTechnicien, TechnicienID: tech.ID},
		"CLIENT with company":    {UserID: clientUser.ID, Role: domain.RoleClient, SocieteID: soc.ID},
		"colleague":              {UserID: colleague.ID, Role: domain.RoleClient, SocieteID: soc.ID},
		"CLIENT without company": {UserID: lonelyClient.ID, Role: domain.RoleClient},
	}
	for name, v := range viewers {
		t.Run(name, func(t *testing.T) {
			ctx := viewer.NewContext(context.Background(), v)
			ids := c.DemandeIntervention.Query().IDsX(ctx)
			seen := c.Commentaire.Query().IDsX(ctx)
			for _, d := range all {
				keys := access.DemandeKeys{DemandeurID: d.DemandeurID, SocieteID: d.SocieteID}
				if sees, inDB := access.SeesDemande(v, keys), slices.Contains(ids, d.ID); sees != inDB {
					t.Errorf("%s (demandeur %d, societe %v): SeesDemande = %v, database says %v",
						d.Titre, d.DemandeurID, deref(d.SocieteID), sees, inDB)
				}
				for _, cm := range comments[d.ID] {
					sees := access.SeesCommentaire(v, cm.Interne, access.Fil{Demande: &keys})
					if inDB := slices.Contains(seen, cm.ID); sees != inDB {
						t.Errorf("%s, comment interne=%v: SeesCommentaire = %v, database says %v", d.Titre, cm.Interne, sees, inDB)
					}
				}
			}
		})
	}
}
