package graph_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/emplacement"
	"github.com/mifmaroc/erp/internal/account"
	"github.com/mifmaroc/erp/internal/compteur"
	"github.com/mifmaroc/erp/internal/document"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/viewer"
)

// TestServicesAuthorizeWrites: the services decide who writes, on their own, without the
// GraphQL role gate in front of them (a job, a REST route or a future transport calls them
// directly) and without the data layer deciding for them.
func TestServicesAuthorizeWrites(t *testing.T) {
	e := newIvEnv(t)
	as := func(u *ent.User, role domain.Role) context.Context {
		v := &viewer.Viewer{UserID: u.ID, Role: role}
		if role == domain.RoleTechnicien {
			v.TechnicienID = e.tech.ID
		}
		return viewer.NewContext(context.Background(), v)
	}
	tech, client, resp := as(e.techUser, domain.RoleTechnicien), as(e.clientUser, domain.RoleClient), as(e.resp, domain.RoleResponsable)
	iv := e.Client.Intervention.Create().SetTitre("À affecter").SetDemandeur(e.resp).SaveX(e.Sys)
	d := e.Deps
	tests := []struct {
		name  string
		write func() error
		code  domain.Code // "": allowed
	}{
		{"TechnicianCreatesEquipement", func() error {
			_, err := d.Equipements.Create(tech, ent.CreateEquipementInput{Nom: "Pompe", Code: "EQ-T"})
			return err
		}, domain.CodeForbidden},
		{"ResponsableCreatesEquipement", func() error {
			_, err := d.Equipements.Create(resp, ent.CreateEquipementInput{Nom: "Pompe", Code: "EQ-R"})
			return err
		}, ""},
		{"ClientDeletesEquipement", func() error { return d.Equipements.Delete(client, e.eq.ID) }, domain.CodeForbidden},
		{"ClientCreatesPlanning", func() error {
			_, err := d.Plannings.Create(client, ent.CreatePlanningInput{Titre: "x", Frequence: domain.FrequenceMensuel,
				ProchaineDate: e.Clock.Now(), EquipementID: e.eq.ID})
			return err
		}, domain.CodeForbidden},
		{"TechnicianCreatesCompetence", func() error {
			_, err := d.Techniciens.CreateCompetence(tech, ent.CreateCompetenceInput{Nom: "Soudure"})
			return err
		}, domain.CodeForbidden},
		{"ResponsableCreatesAccount", func() error {
			_, err := d.Accounts.Create(resp, account.NewUser{Email: "x@example.com", Password: "Mot-de-passe-123", Role: domain.RoleAdmin})
			return err
		}, domain.CodeForbidden},
		{"TechnicianWritesNotification", func() error {
			_, err := d.Notifications.Create(tech, ent.CreateNotificationInput{UserID: e.resp.ID, Sujet: "x", Message: "y"})
			return err
		}, domain.CodeForbidden},
		{"TechnicianCreatesEmplacement", func() error {
			_, err := d.Emplacements.Create(tech, ent.CreateEmplacementInput{Nom: "Atelier", Type: emplacement.TypeZONE})
			return err
		}, domain.CodeForbidden},
		{"ClientDeletesEmplacement", func() error { return d.Emplacements.Delete(client, 1) }, domain.CodeForbidden},
		{"ClientAddsEquipementFile", func() error {
			_, err := d.Documents.SaveEquipement(client, e.eq.ID, "MANUEL", document.Upload{Filename: "notice.pdf", Content: strings.NewReader("%PDF-1.7\n")})
			return err
		}, domain.CodeForbidden},
		{"TechnicianCreatesCompteur", func() error {
			_, err := d.Compteurs.Create(tech, ent.CreateCompteurInput{Nom: "Heures", Unite: "HEURES", EquipementID: 1})
			return err
		}, domain.CodeForbidden},
		{"ClientRecordsReleve", func() error {
			_, err := d.Compteurs.Enregistrer(client, compteur.Releve{CompteurID: 1, Valeur: 1})
			return err
		}, domain.CodeForbidden},
		{"TechnicianAssigns", func() error {
			_, err := d.Interventions.Assign(tech, iv.ID, e.tech.ID, nil, false)
			return err
		}, domain.CodeForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.write()
			var de *domain.Error
			switch {
			case tt.code == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.code != "" && (!errors.As(err, &de) || de.Code != tt.code):
				t.Fatalf("error %v, want %s", err, tt.code)
			}
		})
	}
	if n := e.Client.Equipement.Query().CountX(e.Sys); n != 2 {
		t.Errorf("%d equipements, want the fixture's and the responsable's", n)
	}
	if after := e.Client.Intervention.GetX(e.Sys, iv.ID); after.TechnicienID != nil {
		t.Errorf("a refused assignment assigned technicien %d", *after.TechnicienID)
	}
}
