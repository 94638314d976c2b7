package clientele_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/contrat"
	"github.com/mifmaroc/erp/ent/societe"
	"github.com/mifmaroc/erp/internal/apptest"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
)

const (
	createSociete = `mutation($in: CreateSocieteInput!) { createSociete(input: $in) { id nom code actif } }`
	updateSociete = `mutation($id: ID!, $in: UpdateSocieteInput!) { updateSociete(id: $id, input: $in) { id nom actif } }`
	archive       = `mutation($id: ID!) { archiveSociete(id: $id) { id actif } }`
	deleteSociete = `mutation($id: ID!) { deleteSociete(id: $id) }`
	createContrat = `mutation($in: CreateContratInput!) { createContrat(input: $in) {
		id reference statut slaUrgenteHeures slaHauteHeures client { id } equipements { id } } }`
	updateContrat = `mutation($id: ID!, $in: UpdateContratInput!) { updateContrat(id: $id, input: $in) {
		id statut dateFin slaUrgenteHeures equipements { id } } }`
	deleteContrat      = `mutation($id: ID!) { deleteContrat(id: $id) }`
	createIntervention = `mutation($in: CreateInterventionInput!) { createIntervention(input: $in) {
		id dateLimite contrat { id } client { id } } }`
)

func id(n int) string { return strconv.Itoa(n) }

// fixture is an environment with staff and two companies, each with an equipment.
type fixture struct {
	env        *apptest.Env
	adminUser  *ent.User
	admin      *gqltest.Client
	socA, socB *ent.Societe
	eqA, eqB   *ent.Equipement
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	env := apptest.New(t)
	f := &fixture{env: env, adminUser: env.User(t, "Admin", domain.RoleAdmin)}
	f.admin = env.As(t, f.adminUser)
	c, ctx := env.Client, env.Sys
	f.socA = c.Societe.Create().SetNom("Alpha").SetCode("A").SaveX(ctx)
	f.socB = c.Societe.Create().SetNom("Beta").SetCode("B").SaveX(ctx)
	f.eqA = c.Equipement.Create().SetNom("Pompe").SetCode("EQ-A").SetClient(f.socA).SaveX(ctx)
	f.eqB = c.Equipement.Create().SetNom("Compresseur").SetCode("EQ-B").SetClient(f.socB).SaveX(ctx)
	return f
}

func TestSocieteLifecycle(t *testing.T) {
	f := newFixture(t)
	var got struct {
		CreateSociete struct {
			ID, Nom, Code string
			Actif         bool
		}
	}
	f.admin.MustData(createSociete, map[string]any{"in": map[string]any{"nom": " Gamma ", "code": "G", "ville": "Rabat"}}, &got)
	if got.CreateSociete.Nom != "Gamma" || !got.CreateSociete.Actif {
		t.Errorf("created %+v, want an active Gamma", got.CreateSociete)
	}
	gamma := got.CreateSociete.ID

	t.Run("Refused", func(t *testing.T) {
		tests := []struct {
			name, doc string
			vars      map[string]any
			code      string
		}{
			{"CodeTaken", createSociete, map[string]any{"in": map[string]any{"nom": "Autre", "code": "A"}}, "CONFLICT"},
			{"EmptyNom", createSociete, map[string]any{"in": map[string]any{"nom": "", "code": "Z"}}, "BAD_USER_INPUT"},
			{"UpdateCodeTaken", updateSociete, map[string]any{"id": gamma, "in": map[string]any{"code": "B"}}, "CONFLICT"},
			{"UpdateUnknown", updateSociete, map[string]any{"id": "42949672959", "in": map[string]any{"nom": "X"}}, "NOT_FOUND"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := f.env.Client.Societe.Query().Order(ent.Asc(societe.FieldID)).AllX(f.env.Sys)
				if e := f.admin.MustFail(tt.doc, tt.vars); e.Code() != tt.code {
					t.Errorf("code = %s (%s), want %s", e.Code(), e.Message, tt.code)
				}
				after := f.env.Client.Societe.Query().Order(ent.Asc(societe.FieldID)).AllX(f.env.Sys)
				if len(after) != len(before) || after[len(after)-1].Code != before[len(before)-1].Code {
					t.Errorf("a refused request changed the companies")
				}
			})
		}
	})

	t.Run("StaffOnly", func(t *testing.T) {
		for _, role := range []domain.Role{domain.RoleTechnicien, domain.RoleClient} {
			as := f.env.As(t, f.env.User(t, "Writer"+string(role), role))
			for _, op := range []struct {
				doc  string
				vars map[string]any
			}{
				{createSociete, map[string]any{"in": map[string]any{"nom": "Pirate", "code": "P"}}},
				{archive, map[string]any{"id": gamma}},
				{deleteSociete, map[string]any{"id": gamma}},
				{createContrat, map[string]any{"in": map[string]any{"reference": "CT-P", "dateDebut": "2026-01-01T00:00:00Z", "clientID": gamma}}},
			} {
				if e := as.MustFail(op.doc, op.vars); e.Code() != "FORBIDDEN" {
					t.Errorf("%s: code = %s, want FORBIDDEN", role, e.Code())
				}
			}
		}
		responsable := f.env.As(t, f.env.User(t, "Resp", domain.RoleResponsable))
		var out struct{ UpdateSociete struct{ Nom string } }
		responsable.MustData(updateSociete, map[string]any{"id": gamma, "in": map[string]any{"nom": "Gamma SA"}}, &out)
		if out.UpdateSociete.Nom != "Gamma SA" {
			t.Errorf("RESPONSABLE renamed to %q", out.UpdateSociete.Nom)
		}
	})

	t.Run("Archived", func(t *testing.T) {
		var out struct{ ArchiveSociete struct{ Actif bool } }
		f.admin.MustData(archive, map[string]any{"id": gamma}, &out)
		if out.ArchiveSociete.Actif {
			t.Fatal("archiveSociete left the company active")
		}
		for name, op := range map[string]struct {
			doc  string
			vars map[string]any
		}{
			"Contrat":      {createContrat, map[string]any{"in": map[string]any{"reference": "CT-G", "dateDebut": "2026-01-01T00:00:00Z", "clientID": gamma}}},
			"Intervention": {createIntervention, map[string]any{"in": map[string]any{"titre": "Fuite", "clientID": gamma}}},
		} {
			e := f.admin.MustFail(op.doc, op.vars)
			if e.Code() != "CONFLICT" || !strings.Contains(e.Message, "archived") {
				t.Errorf("%s for an archived company: %s %q, want CONFLICT saying it is archived", name, e.Code(), e.Message)
			}
		}
		f.admin.MustData(updateSociete, map[string]any{"id": gamma, "in": map[string]any{"actif": true}}, &struct{}{})
		f.admin.MustData(createIntervention, map[string]any{"in": map[string]any{"titre": "Fuite", "clientID": gamma}}, &struct{}{})
	})

	t.Run("Delete", func(t *testing.T) {
		c, ctx := f.env.Client, f.env.Sys
		c.Contrat.Create().SetReference("CT-A").SetDateDebut(time.Now()).SetClient(f.socA).ExecX(ctx)
		c.User.UpdateOne(f.env.User(t, "ClientA", domain.RoleClient)).SetClient(f.socA).ExecX(ctx)
		c.Intervention.Create().SetTitre("Fuite").SetClient(f.socA).ExecX(ctx)
		e := f.admin.MustFail(deleteSociete, map[string]any{"id": id(f.socA.ID)})
		for _, want := range []string{"CONFLICT", "1 interventions", "1 contrats", "1 equipements", "1 users"} {
			if !strings.Contains(e.Code()+" "+e.Message, want) {
				t.Errorf("deleting a company in use: %s %q, want it to say %q", e.Code(), e.Message, want)
			}
		}
		if !c.Societe.Query().Where(societe.ID(f.socA.ID)).ExistX(ctx) {
			t.Fatal("the refused deletion deleted the company")
		}
		free := c.Societe.Create().SetNom("Libre").SetCode("L").SaveX(ctx)
		var out struct{ DeleteSociete string }
		f.admin.MustData(deleteSociete, map[string]any{"id": id(free.ID)}, &out)
		if out.DeleteSociete != id(free.ID) || c.Societe.Query().Where(societe.ID(free.ID)).ExistX(ctx) {
			t.Errorf("deleteSociete = %q; the company still exists or another id came back", out.DeleteSociete)
		}
	})
}

func TestContrat(t *testing.T) {
	f := newFixture(t)
	c, ctx := f.env.Client, f.env.Sys
	free := c.Equipement.Create().SetNom("Chaudière").SetCode("EQ-FREE").SaveX(ctx)
	var got struct {
		CreateContrat struct {
			ID, Reference, Statut string
			SLAUrgenteHeures      *int
			SLAHauteHeures        *int
			Client                struct{ ID string }
			Equipements           []struct{ ID string }
		}
	}
	f.admin.MustData(createContrat, map[string]any{"in": map[string]any{
		"reference": " CT-A1 ", "dateDebut": "2026-01-01T00:00:00Z", "dateFin": "2026-12-31T23:59:59Z",
		"clientID": id(f.socA.ID), "slaUrgenteHeures": 1, "equipementIDs": []string{id(f.eqA.ID), id(free.ID), id(f.eqA.ID)},
	}}, &got)
	ct := got.CreateContrat
	if ct.Reference != "CT-A1" || ct.Statut != "ACTIF" || ct.SLAUrgenteHeures == nil || *ct.SLAUrgenteHeures != 1 ||
		ct.SLAHauteHeures != nil || ct.Client.ID != id(f.socA.ID) || len(ct.Equipements) != 2 {
		t.Errorf("created %+v", ct)
	}
	if e := c.Equipement.GetX(ctx, free.ID); e.ClientID == nil || *e.ClientID != f.socA.ID {
		t.Errorf("covered equipment of no client has client %v, want the contract's (%d)", e.ClientID, f.socA.ID)
	}

	t.Run("Refused", func(t *testing.T) {
		base := func(kv ...any) map[string]any {
			in := map[string]any{"reference": "CT-X", "dateDebut": "2026-01-01T00:00:00Z", "clientID": id(f.socA.ID)}
			for i := 0; i < len(kv); i += 2 {
				in[kv[i].(string)] = kv[i+1]
			}
			return map[string]any{"in": in}
		}
		tests := []struct {
			name, doc string
			vars      map[string]any
			code      string
		}{
			{"EndBeforeStart", createContrat, base("dateFin", "2025-12-31T00:00:00Z"), "BAD_USER_INPUT"},
			{"SLAZero", createContrat, base("slaHauteHeures", 0), "BAD_USER_INPUT"},
			{"SLATooLong", createContrat, base("slaBasseHeures", 8761), "BAD_USER_INPUT"},
			{"ReferenceTaken", createContrat, base("reference", "CT-A1"), "CONFLICT"},
			{"OtherClientsEquipment", createContrat, base("equipementIDs", []string{id(f.eqB.ID)}), "BAD_USER_INPUT"},
			{"UnknownEquipment", createContrat, base("equipementIDs", []string{"12884901887"}), "NOT_FOUND"},
			{"UnknownClient", createContrat, base("clientID", "42949672959"), "NOT_FOUND"},
			{"UpdateEndBeforeStart", updateContrat, map[string]any{"id": ct.ID, "in": map[string]any{"dateFin": "2025-06-01T00:00:00Z"}}, "BAD_USER_INPUT"},
			{"UpdateOtherClientsEquipment", updateContrat, map[string]any{"id": ct.ID, "in": map[string]any{"addEquipementIDs": []string{id(f.eqB.ID)}}}, "BAD_USER_INPUT"},
			{"UpdateSLA", updateContrat, map[string]any{"id": ct.ID, "in": map[string]any{"slaUrgenteHeures": -3}}, "BAD_USER_INPUT"},
			{"UpdateUnknown", updateContrat, map[string]any{"id": "4294967295", "in": map[string]any{"objet": "x"}}, "NOT_FOUND"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := c.Contrat.Query().WithEquipements().Order(ent.Asc(contrat.FieldID)).AllX(ctx)
				if e := f.admin.MustFail(tt.doc, tt.vars); e.Code() != tt.code {
					t.Errorf("code = %s (%s), want %s", e.Code(), e.Message, tt.code)
				}
				after := c.Contrat.Query().WithEquipements().Order(ent.Asc(contrat.FieldID)).AllX(ctx)
				if len(after) != len(before) || len(after[0].Edges.Equipements) != len(before[0].Edges.Equipements) ||
					!after[0].UpdatedAt.Equal(before[0].UpdatedAt) {
					t.Errorf("a refused request changed the contracts")
				}
			})
		}
	})

	t.Run("Update", func(t *testing.T) {
		var out struct {
			UpdateContrat struct {
				Statut           string
				DateFin          *string
				SLAUrgenteHeures *int
				Equipements      []struct{ ID string }
			}
		}
		f.admin.MustData(updateContrat, map[string]any{"id": ct.ID, "in": map[string]any{"addEquipementIDs": []string{id(f.eqA.ID)}}}, &out)
		if len(out.UpdateContrat.Equipements) != 2 {
			t.Errorf("covering again what it covers: %d equipment, want 2", len(out.UpdateContrat.Equipements))
		}
		f.admin.MustData(updateContrat, map[string]any{"id": ct.ID, "in": map[string]any{
			"statut": "SUSPENDU", "clearDateFin": true, "clearSLAUrgenteHeures": true, "removeEquipementIDs": []string{id(free.ID)},
		}}, &out)
		u := out.UpdateContrat
		if u.Statut != "SUSPENDU" || u.DateFin != nil || u.SLAUrgenteHeures != nil || len(u.Equipements) != 1 {
			t.Errorf("updated %+v", u)
		}
	})

	t.Run("CoveredEquipmentKeepsItsClient", func(t *testing.T) {
		const upd = `mutation($id: ID!, $in: UpdateEquipementInput!) { updateEquipement(id: $id, input: $in) { id } }`
		for name, in := range map[string]map[string]any{
			"OtherClient": {"clientID": id(f.socB.ID)},
			"NoClient":    {"clearClient": true},
		} {
			if e := f.admin.MustFail(upd, map[string]any{"id": id(f.eqA.ID), "in": in}); e.Code() != "CONFLICT" {
				t.Errorf("%s: code = %s (%s), want CONFLICT", name, e.Code(), e.Message)
			}
			if e := c.Equipement.GetX(ctx, f.eqA.ID); e.ClientID == nil || *e.ClientID != f.socA.ID {
				t.Errorf("%s: a refused change left client %v", name, e.ClientID)
			}
		}
		// Uncovered, it changes hands.
		f.admin.MustData(upd, map[string]any{"id": id(f.eqB.ID), "in": map[string]any{"clientID": id(f.socA.ID)}}, &struct{}{})
		f.admin.MustData(upd, map[string]any{"id": id(f.eqB.ID), "in": map[string]any{"clientID": id(f.socB.ID)}}, &struct{}{})
	})

	t.Run("Delete", func(t *testing.T) {
		used := c.Contrat.Create().SetReference("CT-USED").SetDateDebut(time.Now()).SetClient(f.socA).SaveX(ctx)
		c.Intervention.Create().SetTitre("Fuite").SetClient(f.socA).SetContrat(used).ExecX(ctx)
		if e := f.admin.MustFail(deleteContrat, map[string]any{"id": id(used.ID)}); e.Code() != "CONFLICT" {
			t.Errorf("deleting a contract in use: %s %q, want CONFLICT", e.Code(), e.Message)
		}
		f.admin.MustData(deleteContrat, map[string]any{"id": ct.ID}, &struct{}{})
		n, _ := strconv.Atoi(ct.ID)
		if c.Contrat.Query().Where(contrat.ID(n)).ExistX(ctx) || c.Contrat.Query().Where(contrat.ID(used.ID)).CountX(ctx) != 1 {
			t.Error("deleteContrat deleted the wrong contract")
		}
		if c.Equipement.GetX(ctx, f.eqA.ID).QueryContrats().ExistX(ctx) {
			t.Error("the deleted contract still covers its equipment")
		}
	})
}
