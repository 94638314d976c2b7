package graph_test

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/mouvementstock"
	"github.com/mifmaroc/erp/ent/notification"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/gqltest"
	"github.com/mifmaroc/erp/internal/idempotency"
	"github.com/mifmaroc/erp/internal/stock"
	"github.com/mifmaroc/erp/internal/viewer"
)

const (
	stockCreate = `mutation($in: CreatePieceInput!, $q: Int, $c: Int) { createPiece(input: $in, quantiteInitiale: $q, coutUnitaireCentimes: $c) {
  id reference quantite coutMoyenCentimes valeurStockCentimes unite actif } }`
	stockEntree  = `mutation($p: ID!, $q: Int!, $c: Int!, $m: String) { entreeStock(pieceId: $p, quantite: $q, coutUnitaireCentimes: $c, motif: $m) { quantite coutMoyenCentimes valeurStockCentimes } }`
	stockAjuster = `mutation($p: ID!, $q: Int!, $m: String) { ajusterStock(pieceId: $p, quantiteComptee: $q, motif: $m) { quantite coutMoyenCentimes valeurStockCentimes } }`
	stockAdd     = `mutation($iv: ID!, $p: ID!, $q: Int!) { addPieceToIntervention(interventionId: $iv, pieceId: $p, quantite: $q) { coutPiecesCentimes } }`
	stockReturn  = `mutation($iv: ID!, $p: ID!, $q: Int!, $m: String) { retournerPiece(interventionId: $iv, pieceId: $p, quantite: $q, motif: $m) {
  coutPiecesCentimes utilisations { quantite } } }`
	stockLedger = `query($p: ID!) { node(id: $p) { ... on Piece { quantite coutMoyenCentimes valeurStockCentimes
  mouvements(first: 20) { totalCount edges { node { type quantite quantiteApres coutUnitaireCentimes motif interventionID } } } } } }`
)

type stockPiece struct {
	ID                  string
	Reference           string
	Quantite            int
	CoutMoyenCentimes   int64
	ValeurStockCentimes int64
	Unite               string
	Actif               bool
}

type stockMove struct {
	Type                 string
	Quantite             int
	QuantiteApres        int
	CoutUnitaireCentimes int64
	Motif                *string
	InterventionID       *string `json:"interventionID"`
}

func strp(s string) *string { return &s }

// A part restocked, used, returned and counted: the answers, the ledger (newest first), the
// quantity, the average cost and the valuation agree at every step.
func TestStockLedgerScenario(t *testing.T) {
	e := newIvEnv(t)
	admin, tech := e.As(t, e.admin), e.As(t, e.techUser)
	iv := e.at(t, domain.StatutEnCours)
	ivID := strconv.Itoa(iv.ID)

	var created struct{ CreatePiece stockPiece }
	admin.MustData(stockCreate, map[string]any{"in": map[string]any{
		"reference": "FLT-10", "designation": "Filtre à huile", "unite": "pièce", "emplacement": "A1",
		"prixUnitaireCentimes": 2500, "seuilAlerte": 2, "quantiteReappro": 20, "fournisseur": "Filtrex",
	}, "q": 10, "c": 1000}, &created)
	p := created.CreatePiece
	want := stockPiece{ID: p.ID, Reference: "FLT-10", Quantite: 10, CoutMoyenCentimes: 1000, ValeurStockCentimes: 10000, Unite: "pièce", Actif: true}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Fatalf("createPiece (-want +got):\n%s", diff)
	}

	steps := []struct {
		name string
		do   func() any
		want any
	}{
		{"Restock", func() any {
			var out struct{ EntreeStock stockPiece }
			admin.MustData(stockEntree, map[string]any{"p": p.ID, "q": 10, "c": 2001, "m": "BL 4711"}, &out)
			return out.EntreeStock
		}, stockPiece{Quantite: 20, CoutMoyenCentimes: 1501, ValeurStockCentimes: 30020}}, // (10×1000 + 10×2001)/20 = 1500.5 → 1501
		{"UseOnIntervention", func() any {
			var out struct {
				AddPieceToIntervention struct{ CoutPiecesCentimes int }
			}
			tech.MustData(stockAdd, map[string]any{"iv": ivID, "p": p.ID, "q": 4}, &out)
			return out.AddPieceToIntervention.CoutPiecesCentimes
		}, 4 * 2500},
		{"ReturnOne", func() any {
			var out struct {
				RetournerPiece struct {
					CoutPiecesCentimes int
					Utilisations       []struct{ Quantite int }
				}
			}
			tech.MustData(stockReturn, map[string]any{"iv": ivID, "p": p.ID, "q": 1, "m": "non utilisé"}, &out)
			return out.RetournerPiece.CoutPiecesCentimes
		}, 3 * 2500},
		{"Count", func() any {
			var out struct{ AjusterStock stockPiece }
			admin.MustData(stockAjuster, map[string]any{"p": p.ID, "q": 15, "m": "inventaire"}, &out)
			return out.AjusterStock
		}, stockPiece{Quantite: 15, CoutMoyenCentimes: 1501, ValeurStockCentimes: 22515}},
	}
	for _, s := range steps {
		if diff := cmp.Diff(s.want, s.do()); diff != "" {
			t.Fatalf("%s (-want +got):\n%s", s.name, diff)
		}
	}

	var got struct {
		Node struct {
			Quantite            int
			CoutMoyenCentimes   int64
			ValeurStockCentimes int64
			Mouvements          struct {
				TotalCount int
				Edges      []struct{ Node stockMove }
			}
		}
	}
	admin.MustData(stockLedger, map[string]any{"p": p.ID}, &got)
	var moves []stockMove
	for _, ed := range got.Node.Mouvements.Edges {
		moves = append(moves, ed.Node)
	}
	wantMoves := []stockMove{
		{"AJUSTEMENT", -2, 15, 1501, strp("inventaire"), nil},
		{"RETOUR", 1, 17, 1501, strp("non utilisé"), &ivID},
		{"SORTIE", -4, 16, 1501, nil, &ivID},
		{"ENTREE", 10, 20, 2001, strp("BL 4711"), nil},
		{"ENTREE", 10, 10, 1000, strp("stock initial"), nil},
	}
	if diff := cmp.Diff(wantMoves, moves); diff != "" {
		t.Errorf("ledger, newest first (-want +got):\n%s", diff)
	}
	sum := 0
	for _, m := range moves {
		sum += m.Quantite
	}
	if sum != got.Node.Quantite || got.Node.Mouvements.TotalCount != len(wantMoves) {
		t.Errorf("ledger sum %d over %d movements, quantite %d", sum, got.Node.Mouvements.TotalCount, got.Node.Quantite)
	}
	var total struct{ ValeurStockCentimes int64 }
	admin.MustData(`{ valeurStockCentimes }`, nil, &total)
	if total.ValeurStockCentimes != 22515 {
		t.Errorf("valeurStockCentimes = %d, want 22515", total.ValeurStockCentimes)
	}
	var out bytes.Buffer
	if r, err := stock.Verify(context.Background(), e.Client, &out); err != nil || len(r.Ecarts) != 0 {
		t.Errorf("stock verify = %+v, %v\n%s", r, err, out.String())
	}
}

// The alert goes out when the stock falls below the threshold, not again while it stays
// there, and again after a restock brought it back.
func TestStockThresholdAlertOnce(t *testing.T) {
	e := newIvEnv(t)
	admin := e.As(t, e.admin)
	iv := e.at(t, domain.StatutEnCours)
	var created struct{ CreatePiece stockPiece }
	admin.MustData(stockCreate, map[string]any{"in": map[string]any{
		"reference": "CRR-1", "designation": "Courroie", "seuilAlerte": 5,
	}, "q": 8}, &created)
	pid := created.CreatePiece.ID
	alerts := func() int {
		return e.Client.Notification.Query().
			Where(notification.SujetContains("CRR-1"), notification.UserID(e.resp.ID)).CountX(e.Sys)
	}
	use := func(q int) {
		e.As(t, e.techUser).MustData(stockAdd, map[string]any{"iv": strconv.Itoa(iv.ID), "p": pid, "q": q}, &struct{}{})
	}
	steps := []struct {
		name string
		do   func()
		want int
	}{
		{"AboveThreshold", func() { use(2) }, 0}, // 8 → 6
		{"CrossesBelow", func() { use(2) }, 1},   // 6 → 4
		{"StaysBelow", func() { use(1) }, 1},     // 4 → 3
		{"RestockStillBelow", func() { admin.MustData(stockEntree, map[string]any{"p": pid, "q": 1, "c": 100}, &struct{}{}) }, 1}, // 3 → 4
		{"BelowAgain", func() { use(1) }, 1}, // 4 → 3: never back above
		{"RestockAbove", func() { admin.MustData(stockEntree, map[string]any{"p": pid, "q": 10, "c": 100}, &struct{}{}) }, 1}, // 3 → 13
		{"CrossesBelowAgain", func() { use(9) }, 2}, // 13 → 4
		{"CountBelow", func() { admin.MustData(stockAjuster, map[string]any{"p": pid, "q": 2}, &struct{}{}) }, 2},
	}
	for _, s := range steps {
		s.do()
		if got := alerts(); got != s.want {
			t.Fatalf("%s: %d low-stock notifications to the responsable, want %d", s.name, got, s.want)
		}
	}
}

// Who may do what with parts and stock, and what a refusal leaves: nothing changed.
func TestStockRefusals(t *testing.T) {
	e := newIvEnv(t)
	mine := e.at(t, domain.StatutEnCours)
	closed := e.at(t, domain.StatutEnCours)
	sys := e.Sys
	p, err := e.Deps.Stock.CreatePiece(asViewer(e.admin), ent.CreatePieceInput{Reference: "P-1", Designation: "Joint"}, &stock.Initial{Quantite: 10})
	if err != nil {
		t.Fatal(err)
	}
	archived := e.Client.Piece.Create().SetReference("P-OLD").SetDesignation("Ancien").SetActif(false).SaveX(sys)
	unused := e.Client.Piece.Create().SetReference("P-NEW").SetDesignation("Neuf").SaveX(sys)
	e.As(t, e.techUser).MustData(stockAdd, map[string]any{"iv": strconv.Itoa(mine.ID), "p": strconv.Itoa(p.ID), "q": 3}, &struct{}{})
	e.As(t, e.techUser).MustData(stockAdd, map[string]any{"iv": strconv.Itoa(closed.ID), "p": strconv.Itoa(p.ID), "q": 1}, &struct{}{})
	e.Client.Intervention.UpdateOne(closed).SetStatut(domain.StatutCloturee).ExecX(sys)

	type snapshot struct {
		Stock, Moves, Lines int
	}
	snap := func() snapshot {
		return snapshot{e.Client.Piece.GetX(sys, p.ID).Quantite, e.Client.MouvementStock.Query().CountX(sys), e.Client.InterventionPiece.Query().CountX(sys)}
	}
	id := strconv.Itoa
	tests := []struct {
		name string
		as   *ent.User
		doc  string
		vars map[string]any
		code string
	}{
		{"TechnicianCreates", e.techUser, stockCreate, map[string]any{"in": map[string]any{"reference": "X", "designation": "X"}}, "FORBIDDEN"},
		{"ClientRestocks", e.clientUser, stockEntree, map[string]any{"p": id(p.ID), "q": 1, "c": 1}, "FORBIDDEN"},
		{"TechnicianRestocks", e.techUser, stockEntree, map[string]any{"p": id(p.ID), "q": 1, "c": 1}, "FORBIDDEN"},
		{"TechnicianCounts", e.techUser, stockAjuster, map[string]any{"p": id(p.ID), "q": 1}, "FORBIDDEN"},
		{"NegativeInitialStock", e.admin, stockCreate, map[string]any{"in": map[string]any{"reference": "X", "designation": "X"}, "q": -1}, "BAD_USER_INPUT"},
		{"ReferenceTaken", e.admin, stockCreate, map[string]any{"in": map[string]any{"reference": "P-1", "designation": "X"}}, "CONFLICT"},
		{"RestockZero", e.admin, stockEntree, map[string]any{"p": id(p.ID), "q": 0, "c": 1}, "BAD_USER_INPUT"},
		{"RestockNegativeCost", e.admin, stockEntree, map[string]any{"p": id(p.ID), "q": 1, "c": -1}, "BAD_USER_INPUT"},
		{"RestockBeyondBound", e.admin, stockEntree, map[string]any{"p": id(p.ID), "q": domain.MaxQuantite, "c": 1}, "CONFLICT"},
		{"RestockArchived", e.admin, stockEntree, map[string]any{"p": id(archived.ID), "q": 1, "c": 1}, "CONFLICT"},
		{"RestockUnknown", e.admin, stockEntree, map[string]any{"p": id(unused.ID + 1000), "q": 1, "c": 1}, "NOT_FOUND"},
		{"CountNegative", e.admin, stockAjuster, map[string]any{"p": id(p.ID), "q": -1}, "BAD_USER_INPUT"},
		{"UseArchived", e.admin, stockAdd, map[string]any{"iv": id(mine.ID), "p": id(archived.ID), "q": 1}, "CONFLICT"},
		{"ReturnMoreThanUsed", e.techUser, stockReturn, map[string]any{"iv": id(mine.ID), "p": id(p.ID), "q": 4}, "CONFLICT"},
		{"ReturnNeverUsed", e.admin, stockReturn, map[string]any{"iv": id(mine.ID), "p": id(unused.ID), "q": 1}, "CONFLICT"},
		{"ReturnZero", e.admin, stockReturn, map[string]any{"iv": id(mine.ID), "p": id(p.ID), "q": 0}, "BAD_USER_INPUT"},
		{"ReturnOnClosed", e.admin, stockReturn, map[string]any{"iv": id(closed.ID), "p": id(p.ID), "q": 1}, "LOCKED"},
		{"ReturnOtherTechnician", e.otherTechUser, stockReturn, map[string]any{"iv": id(mine.ID), "p": id(p.ID), "q": 1}, "NOT_FOUND"},
		{"ReturnClient", e.clientUser, stockReturn, map[string]any{"iv": id(mine.ID), "p": id(p.ID), "q": 1}, "FORBIDDEN"},
		{"DeleteWithMovements", e.admin, `mutation($id: ID!) { deletePiece(id: $id) }`, map[string]any{"id": id(p.ID)}, "CONFLICT"},
		{"ClientReadsLedger", e.clientUser, `{ mouvementsStock { totalCount } }`, nil, "FORBIDDEN"},
		{"TechnicianReadsValuation", e.techUser, `{ valeurStockCentimes }`, nil, "FORBIDDEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resRefused(t, e.As(t, tt.as), tt.doc, tt.vars, tt.code, snap)
		})
	}

	t.Run("ReassignedTechnicianMayNoLongerReturn", func(t *testing.T) {
		e.Client.Intervention.UpdateOne(mine).SetTechnicien(e.otherTech).ExecX(sys)
		defer e.Client.Intervention.UpdateOne(mine).SetTechnicien(e.tech).ExecX(sys)
		res := e.As(t, e.techUser).Do(stockReturn, map[string]any{"iv": id(mine.ID), "p": id(p.ID), "q": 1})
		if len(res.Errors) == 0 || (res.Errors[0].Code() != "FORBIDDEN" && res.Errors[0].Code() != "NOT_FOUND") {
			t.Errorf("return by the former technician = %+v, want FORBIDDEN or NOT_FOUND", res)
		}
	})
	t.Run("ReturnAllRemovesTheLine", func(t *testing.T) {
		var out struct {
			RetournerPiece struct {
				CoutPiecesCentimes int
				Utilisations       []struct{ Quantite int }
			}
		}
		e.As(t, e.techUser).MustData(stockReturn, map[string]any{"iv": id(mine.ID), "p": id(p.ID), "q": 3}, &out)
		if out.RetournerPiece.CoutPiecesCentimes != 0 || len(out.RetournerPiece.Utilisations) != 0 {
			t.Errorf("after returning everything: %+v, want no line and no cost", out.RetournerPiece)
		}
		if q := e.Client.Piece.GetX(sys, p.ID).Quantite; q != 9 {
			t.Errorf("stock = %d, want 9 (10 - 3 - 1 + 3)", q)
		}
	})
	t.Run("ArchiveThenDeleteUnused", func(t *testing.T) {
		api := e.As(t, e.resp)
		var up struct{ UpdatePiece struct{ Actif bool } }
		api.MustData(`mutation($id: ID!) { updatePiece(id: $id, input: {actif: false}) { actif } }`, map[string]any{"id": id(unused.ID)}, &up)
		if up.UpdatePiece.Actif {
			t.Error("updatePiece actif: false left it active")
		}
		var del struct{ DeletePiece string }
		api.MustData(`mutation($id: ID!) { deletePiece(id: $id) }`, map[string]any{"id": id(unused.ID)}, &del)
		if del.DeletePiece != id(unused.ID) || e.Client.Piece.Query().Where().CountX(sys) != 2 {
			t.Errorf("deletePiece = %q, want the id and the part gone", del.DeletePiece)
		}
	})
	t.Run("QuantiteIsNotAnInput", func(t *testing.T) {
		res := e.As(t, e.admin).Do(`mutation($id: ID!) { updatePiece(id: $id, input: {quantite: 99}) { quantite } }`, map[string]any{"id": id(p.ID)})
		if len(res.Errors) == 0 || res.Errors[0].Code() == "" {
			t.Errorf("updatePiece with quantite = %+v, want a validation error", res)
		}
	})
	if n := e.Client.MouvementStock.Query().Where(mouvementstock.TypeEQ(domain.MouvementRetour)).CountX(sys); n != 1 {
		t.Errorf("%d RETOUR movements, want 1", n)
	}
}

// asViewer is the context of u calling a service directly.
func asViewer(u *ent.User) context.Context {
	return viewer.NewContext(context.Background(), &viewer.Viewer{UserID: u.ID, Role: u.Role})
}

// Uses, returns, restocks and counts of one part, and moves of the intervention, sent at once
// through the API: each answer is a success or a refusal, never a deadlock or a lost update; afterwards the quantity is the
// ledger's sum and the intervention's line is what its movements took out.
func TestStockConcurrentMutations(t *testing.T) {
	e := newIvEnv(t)
	iv := e.at(t, domain.StatutEnCours)
	p, err := e.Deps.Stock.CreatePiece(asViewer(e.admin), ent.CreatePieceInput{Reference: "P-C", Designation: "Joint"}, &stock.Initial{Quantite: 5})
	if err != nil {
		t.Fatal(err)
	}
	admin, tech := e.As(t, e.admin), e.As(t, e.techUser)
	vars := map[string]any{"iv": strconv.Itoa(iv.ID), "p": strconv.Itoa(p.ID), "q": 1, "c": 700}
	ops := []func() gqltest.Response{
		func() gqltest.Response { return tech.Do(stockAdd, vars) },
		func() gqltest.Response { return tech.Do(stockReturn, vars) },
		func() gqltest.Response { return admin.Do(stockEntree, vars) },
		func() gqltest.Response { return admin.Do(stockAdd, vars) },
		func() gqltest.Response {
			return admin.Do(stockAjuster, map[string]any{"p": strconv.Itoa(p.ID), "q": 6})
		},
		// Moves of the intervention wait for the parts being written on it, and these for them.
		func() gqltest.Response {
			return admin.Do(changeStatut, map[string]any{"id": strconv.Itoa(iv.ID), "s": "EN_ATTENTE"})
		},
		func() gqltest.Response {
			return admin.Do(changeStatut, map[string]any{"id": strconv.Itoa(iv.ID), "s": "EN_COURS"})
		},
	}
	const workers, each = 6, 10
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				res := ops[(w+i)%len(ops)]()
				// A move the status no longer allows is INVALID_TRANSITION; anything else
				// than that and CONFLICT is a failure.
				if len(res.Errors) > 0 && res.Errors[0].Code() != "CONFLICT" && res.Errors[0].Code() != "INVALID_TRANSITION" {
					mu.Lock()
					failures = append(failures, res.Errors[0].Code()+" "+res.Errors[0].Message)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	for _, f := range failures {
		t.Errorf("concurrent stock mutation failed: %s", f)
	}
	var out bytes.Buffer
	if r, err := stock.Verify(context.Background(), e.Client, &out); err != nil || len(r.Ecarts) != 0 {
		t.Errorf("stock verify = %+v, %v\n%s", r, err, out.String())
	}
	taken := 0
	for _, m := range e.Client.MouvementStock.Query().Where(mouvementstock.InterventionID(iv.ID)).AllX(e.Sys) {
		taken -= m.Quantite
	}
	lines := e.Client.InterventionPiece.Query().AllX(e.Sys)
	onLine := 0
	for _, l := range lines {
		onLine += l.Quantite
	}
	if taken != onLine {
		t.Errorf("the intervention's movements took out %d, its line says %d", taken, onLine)
	}
}

// A technician on a poor network retries a consumption whose answer he lost: with the same
// Idempotency-Key the stock moves once, and the retry gets the first answer.
func TestStockRetriedConsumptionActsOnce(t *testing.T) {
	e := newIvEnv(t)
	admin := e.As(t, e.admin)
	iv := e.at(t, domain.StatutEnCours)
	var created struct{ CreatePiece stockPiece }
	admin.MustData(stockCreate, map[string]any{"in": map[string]any{
		"reference": "JNT-1", "designation": "Joint", "prixUnitaireCentimes": 300,
	}, "q": 10, "c": 300}, &created)
	p := created.CreatePiece

	tech := *e.As(t, e.techUser)
	tech.Header = http.Header{idempotency.Header: {"conso-1"}}
	vars := map[string]any{"iv": iv.ID, "p": p.ID, "q": 3}
	first := tech.Do(stockAdd, vars)
	again := tech.Do(stockAdd, vars)
	if len(first.Errors) > 0 || again.Header.Get(idempotency.Replayed) != "true" || string(again.Data) != string(first.Data) {
		t.Fatalf("retry: first %s %+v, again %s replayed=%q", first.Data, first.Errors, again.Data, again.Header.Get(idempotency.Replayed))
	}
	other := tech.Do(stockAdd, map[string]any{"iv": iv.ID, "p": p.ID, "q": 4})
	if len(other.Errors) != 1 || other.Errors[0].Code() != string(domain.CodeConflict) {
		t.Fatalf("same key, other quantity: %+v", other.Errors)
	}

	var got struct{ Node stockPiece }
	admin.MustData(`query($p: ID!) { node(id: $p) { ... on Piece { quantite } } }`, map[string]any{"p": p.ID}, &got)
	sorties := e.Client.MouvementStock.Query().Where(mouvementstock.TypeEQ(domain.MouvementSortie)).CountX(viewer.SystemContext(context.Background()))
	if got.Node.Quantite != 7 || sorties != 1 {
		t.Fatalf("after a retried use of 3 out of 10: quantite %d, %d SORTIE movements; want 7 and 1", got.Node.Quantite, sorties)
	}
}
