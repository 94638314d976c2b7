package clientele_test

import (
	"testing"
	"time"

	"github.com/mifmaroc/erp/internal/domain"
)

const updateIntervention = `mutation($id: ID!, $in: UpdateInterventionInput!) { updateIntervention(id: $id, input: $in) {
	id dateLimite contrat { id } } }`

type created struct {
	ID         string
	DateLimite *time.Time
	Contrat    *struct{ ID string }
	Client     *struct{ ID string }
}

// TestContractSLA: work for a client under an applicable contract gets the contract's SLA
// hours for its priority, else the server's default (SLA_HOURS: URGENTE 2, HAUTE 24,
// NORMALE 72, BASSE 168).
func TestContractSLA(t *testing.T) {
	f := newFixture(t)
	c, ctx := f.env.Client, f.env.Sys
	now := f.env.Clock.Now()
	day := 24 * time.Hour
	// The contract of company A covering eqA: URGENTE in 1 h, HAUTE in 4 h, the rest default.
	covering := c.Contrat.Create().SetReference("CT-A").SetClient(f.socA).SetDateDebut(now.Add(-30 * day)).
		SetDateFin(now.Add(300 * day)).SetSLAUrgenteHeures(1).SetSLAHauteHeures(4).AddEquipements(f.eqA).SaveX(ctx)
	eqA2 := c.Equipement.Create().SetNom("Presse").SetCode("EQ-A2").SetClient(f.socA).SaveX(ctx)
	eqA3 := c.Equipement.Create().SetNom("Four").SetCode("EQ-A3").SetClient(f.socA).SaveX(ctx)
	// Contracts that do not apply: suspended, not started, ended; and two covering eqA3.
	suspended := c.Contrat.Create().SetReference("CT-SUSP").SetClient(f.socA).SetDateDebut(now.Add(-day)).
		SetStatut(domain.ContratSuspendu).SetSLAUrgenteHeures(1).AddEquipements(eqA2).SaveX(ctx)
	future := c.Contrat.Create().SetReference("CT-FUT").SetClient(f.socA).SetDateDebut(now.Add(day)).
		SetSLAUrgenteHeures(1).SaveX(ctx)
	ended := c.Contrat.Create().SetReference("CT-END").SetClient(f.socA).SetDateDebut(now.Add(-10 * day)).
		SetDateFin(now.Add(-day)).SetSLAUrgenteHeures(1).SaveX(ctx)
	for _, ref := range []string{"CT-D1", "CT-D2"} {
		c.Contrat.Create().SetReference(ref).SetClient(f.socA).SetDateDebut(now.Add(-day)).SetSLAUrgenteHeures(1).
			AddEquipements(eqA3).ExecX(ctx)
	}
	contratB := c.Contrat.Create().SetReference("CT-B").SetClient(f.socB).SetDateDebut(now.Add(-day)).SaveX(ctx)

	after := func(h int) *time.Time { t := now.Add(time.Duration(h) * time.Hour); return &t }
	ptr := func(id int) *int { return &id }
	tests := []struct {
		name        string
		in          map[string]any
		wantContrat *int
		wantLimite  *time.Time
	}{
		{"CoveredTakesContract", map[string]any{"clientID": id(f.socA.ID), "equipementID": id(f.eqA.ID), "priorite": "URGENTE"},
			ptr(covering.ID), after(1)},
		{"CoveredOtherPriority", map[string]any{"clientID": id(f.socA.ID), "equipementID": id(f.eqA.ID), "priorite": "HAUTE"},
			ptr(covering.ID), after(4)},
		{"CoveredNoOverride", map[string]any{"clientID": id(f.socA.ID), "equipementID": id(f.eqA.ID), "priorite": "NORMALE"},
			ptr(covering.ID), after(72)},
		{"CoveredProgrammee", map[string]any{"clientID": id(f.socA.ID), "equipementID": id(f.eqA.ID), "priorite": "PROGRAMMEE"},
			ptr(covering.ID), nil},
		{"ManualDeadlineKept", map[string]any{"clientID": id(f.socA.ID), "equipementID": id(f.eqA.ID), "priorite": "URGENTE",
			"dateLimite": after(50).Format(time.RFC3339)}, ptr(covering.ID), after(50)},
		{"SuspendedNotTaken", map[string]any{"clientID": id(f.socA.ID), "equipementID": id(eqA2.ID), "priorite": "URGENTE"},
			nil, after(2)},
		{"TwoCoveringNoneTaken", map[string]any{"clientID": id(f.socA.ID), "equipementID": id(eqA3.ID), "priorite": "URGENTE"},
			nil, after(2)},
		{"NoEquipmentNoContract", map[string]any{"clientID": id(f.socA.ID), "priorite": "URGENTE"}, nil, after(2)},
		{"GivenApplies", map[string]any{"clientID": id(f.socA.ID), "contratID": id(covering.ID), "priorite": "HAUTE"},
			ptr(covering.ID), after(4)},
		{"GivenSuspended", map[string]any{"clientID": id(f.socA.ID), "contratID": id(suspended.ID), "priorite": "URGENTE"},
			ptr(suspended.ID), after(2)},
		{"GivenNotStarted", map[string]any{"clientID": id(f.socA.ID), "contratID": id(future.ID), "priorite": "URGENTE"},
			ptr(future.ID), after(2)},
		{"GivenEnded", map[string]any{"clientID": id(f.socA.ID), "contratID": id(ended.ID), "priorite": "URGENTE"},
			ptr(ended.ID), after(2)},
		{"GivenWithoutClient", map[string]any{"contratID": id(covering.ID), "priorite": "URGENTE"}, ptr(covering.ID), after(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in["titre"] = tt.name
			var out struct{ CreateIntervention created }
			f.admin.MustData(createIntervention, map[string]any{"in": tt.in}, &out)
			got := out.CreateIntervention
			switch {
			case tt.wantContrat == nil && got.Contrat != nil:
				t.Errorf("contrat = %s, want none", got.Contrat.ID)
			case tt.wantContrat != nil && (got.Contrat == nil || got.Contrat.ID != id(*tt.wantContrat)):
				t.Errorf("contrat = %+v, want %d", got.Contrat, *tt.wantContrat)
			}
			if (got.DateLimite == nil) != (tt.wantLimite == nil) || (got.DateLimite != nil && !got.DateLimite.Equal(*tt.wantLimite)) {
				t.Errorf("dateLimite = %v, want %v", got.DateLimite, tt.wantLimite)
			}
			if got.Client == nil || got.Client.ID != id(f.socA.ID) {
				t.Errorf("client = %+v, want company A", got.Client)
			}
		})
	}

	t.Run("OtherClientsContract", func(t *testing.T) {
		before := c.Intervention.Query().CountX(ctx)
		e := f.admin.MustFail(createIntervention, map[string]any{"in": map[string]any{
			"titre": "Fuite", "clientID": id(f.socA.ID), "contratID": id(contratB.ID)}})
		if e.Code() != "BAD_USER_INPUT" {
			t.Errorf("code = %s (%s), want BAD_USER_INPUT", e.Code(), e.Message)
		}
		if n := c.Intervention.Query().CountX(ctx); n != before {
			t.Errorf("%d interventions after a refused creation, want %d", n, before)
		}
	})

	t.Run("PriorityChange", func(t *testing.T) {
		// Created earlier: the deadline counts from the creation, not from the change.
		f.env.Clock.Set(now.Add(-3 * time.Hour))
		var out struct{ CreateIntervention created }
		f.env.As(t, f.adminUser).MustData(createIntervention, map[string]any{"in": map[string]any{
			"titre": "Fuite", "clientID": id(f.socA.ID), "equipementID": id(f.eqA.ID), "priorite": "NORMALE"}}, &out)
		f.env.Clock.Set(now)
		iv := out.CreateIntervention.ID
		after := func(h int) *time.Time { t := now.Add(time.Duration(h-3) * time.Hour); return &t }
		steps := []struct {
			name string
			in   map[string]any
			want *time.Time
		}{
			{"ToUrgente", map[string]any{"priorite": "URGENTE"}, after(1)},
			{"ToBasse", map[string]any{"priorite": "BASSE"}, after(168)},
			{"OtherContract", map[string]any{"contratID": id(ended.ID)}, after(168)},
			{"BackToCovering", map[string]any{"contratID": id(covering.ID), "priorite": "HAUTE"}, after(4)},
			{"NoContract", map[string]any{"clearContrat": true}, after(24)},
			{"Manual", map[string]any{"dateLimite": after(10).Format(time.RFC3339), "contratID": id(covering.ID)}, after(10)},
			{"ManualKept", map[string]any{"priorite": "URGENTE"}, after(10)},
		}
		for _, st := range steps {
			var up struct{ UpdateIntervention created }
			f.admin.MustData(updateIntervention, map[string]any{"id": iv, "in": st.in}, &up)
			if d := up.UpdateIntervention.DateLimite; d == nil || !d.Equal(*st.want) {
				t.Errorf("%s: dateLimite = %v, want %v", st.name, d, st.want)
			}
		}
	})

	t.Run("ClientRequest", func(t *testing.T) {
		u := f.env.User(t, "ClientA", domain.RoleClient)
		c.User.UpdateOne(u).SetClient(f.socA).ExecX(ctx)
		var out struct{ CreateIntervention created }
		f.env.As(t, u).MustData(createIntervention, map[string]any{"in": map[string]any{
			"titre": "Fuite", "equipementID": id(f.eqA.ID), "priorite": "URGENTE"}}, &out)
		got := out.CreateIntervention
		if got.Contrat == nil || got.Contrat.ID != id(covering.ID) || got.DateLimite == nil || !got.DateLimite.Equal(*after(1)) {
			t.Errorf("a client's request: contrat %+v, dateLimite %v; want %d and %v", got.Contrat, got.DateLimite, covering.ID, after(1))
		}
		// Another company's contract is not his to read.
		if e := f.env.As(t, u).MustFail(createIntervention, map[string]any{"in": map[string]any{
			"titre": "Fuite", "contratID": id(contratB.ID)}}); e.Code() != "NOT_FOUND" {
			t.Errorf("a client giving another company's contract: %s, want NOT_FOUND", e.Code())
		}
	})
}
