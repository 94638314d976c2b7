package facts_test

import (
	"context"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/ent/interventionpiece"
	"github.com/mifmaroc/erp/ent/tempspasse"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/facts"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/internal/viewer"
)

// want is the facts of an intervention.
type want struct {
	annulee     *time.Time
	premiere    bool
	mainOeuvre  int64
	piecesTotal int64
}

type world struct {
	c            *ent.Client
	admin        int
	t1, t2       *ent.Technicien
	p1, p2       *ent.Piece
	iv, neighbor *ent.Intervention
}

func at(h int) time.Time { return time.Date(2026, 3, 2, h, 0, 0, 0, time.UTC) }

func line(ctx context.Context, w *world, s domain.InterventionStatut, tech *ent.Technicien, h int) {
	l := w.c.HistoriqueIntervention.Create().SetInterventionID(w.iv.ID).SetUserID(w.admin).SetNouveauStatut(s).SetHorodatage(at(h))
	if tech != nil {
		l.SetTechnicienID(tech.ID)
	}
	l.ExecX(ctx)
}

func entry(ctx context.Context, w *world, tech *ent.Technicien, minutes *int) *ent.TempsPasse {
	e := w.c.TempsPasse.Create().SetInterventionID(w.iv.ID).SetTechnicien(tech).SetUserID(tech.UserID).
		SetDebut(at(8)).SetTauxHoraireCentimes(tech.TauxHoraireCentimes)
	if minutes != nil {
		e.SetDureeMinutes(*minutes).SetFin(at(8).Add(time.Duration(*minutes) * time.Minute))
	}
	return e.SaveX(ctx)
}

func minutes(n int) *int { return &n }

// TestFactsFollowRows changes the rows the facts come from, through ent as every write path
// does, and reads the facts the hooks left: each step's expectation is computed by hand.
func TestFactsFollowRows(t *testing.T) {
	cancelled := at(11)
	steps := []struct {
		name   string
		change func(ctx context.Context, w *world)
		want   want
	}{
		{"Opened", func(ctx context.Context, w *world) { line(ctx, w, domain.StatutOuverte, nil, 7) },
			want{premiere: true}},
		{"AssignedToT1", func(ctx context.Context, w *world) {
			w.c.Intervention.UpdateOne(w.iv).SetTechnicienID(w.t1.ID).ExecX(ctx)
			line(ctx, w, domain.StatutAffectee, w.t1, 8)
		}, want{premiere: true}},
		{"RunningEntryCountsNothing", func(ctx context.Context, w *world) { entry(ctx, w, w.t1, nil) },
			want{premiere: true}},
		// 90 min at 60.00 MAD/h and 30 min at 40.00: 90 × 6000 + 30 × 4000.
		{"StoppedEntries", func(ctx context.Context, w *world) {
			entry(ctx, w, w.t1, minutes(90))
			entry(ctx, w, w.t2, minutes(30))
		}, want{premiere: true, mainOeuvre: 660_000}},
		{"EntryCorrected", func(ctx context.Context, w *world) {
			w.c.TempsPasse.Update().Where(tempspasse.DureeMinutes(30)).SetDureeMinutes(45).ExecX(ctx)
		}, want{premiere: true, mainOeuvre: 720_000}},
		{"RunningEntryStopped", func(ctx context.Context, w *world) {
			w.c.TempsPasse.Update().Where(tempspasse.DureeMinutesIsNil()).SetDureeMinutes(10).SetFin(at(9)).ExecX(ctx)
		}, want{premiere: true, mainOeuvre: 780_000}},
		{"EntryDeleted", func(ctx context.Context, w *world) {
			w.c.TempsPasse.Delete().Where(tempspasse.DureeMinutes(45)).ExecX(ctx)
		}, want{premiere: true, mainOeuvre: 600_000}},
		{"Parts", func(ctx context.Context, w *world) {
			w.c.InterventionPiece.Create().SetInterventionID(w.iv.ID).SetPiece(w.p1).SetQuantite(2).SetPrixUnitaireCentimes(1500).ExecX(ctx)
			w.c.InterventionPiece.Create().SetInterventionID(w.iv.ID).SetPiece(w.p2).SetQuantite(1).SetPrixUnitaireCentimes(2500).ExecX(ctx)
		}, want{premiere: true, mainOeuvre: 600_000, piecesTotal: 5500}},
		{"PartsQuantityChanged", func(ctx context.Context, w *world) {
			w.c.InterventionPiece.Update().Where(interventionpiece.PieceID(w.p1.ID)).SetQuantite(3).ExecX(ctx)
		}, want{premiere: true, mainOeuvre: 600_000, piecesTotal: 7000}},
		{"PartReturned", func(ctx context.Context, w *world) {
			w.c.InterventionPiece.Delete().Where(interventionpiece.PieceID(w.p2.ID)).ExecX(ctx)
		}, want{premiere: true, mainOeuvre: 600_000, piecesTotal: 4500}},
		{"ChangedHands", func(ctx context.Context, w *world) {
			w.c.Intervention.UpdateOne(w.iv).SetTechnicienID(w.t2.ID).ExecX(ctx)
			line(ctx, w, domain.StatutAffectee, w.t2, 9)
		}, want{premiere: false, mainOeuvre: 600_000, piecesTotal: 4500}},
		{"Cancelled", func(ctx context.Context, w *world) { line(ctx, w, domain.StatutAnnulee, w.t2, 11) },
			want{annulee: &cancelled, premiere: false, mainOeuvre: 600_000, piecesTotal: 4500}},
		{"FirstCancellationKept", func(ctx context.Context, w *world) { line(ctx, w, domain.StatutAnnulee, w.t2, 12) },
			want{annulee: &cancelled, premiere: false, mainOeuvre: 600_000, piecesTotal: 4500}},
	}
	w, ctx := newWorld(t)
	for _, s := range steps {
		s.change(ctx, w)
		check(ctx, t, w, w.iv.ID, s.name, s.want)
		// The neighbour's rows never move: its facts stay those of its own rows.
		check(ctx, t, w, w.neighbor.ID, s.name+"/neighbor", want{premiere: false, mainOeuvre: 6000})
	}
}

// TestWaitingIsNotFirstTime: a wait for parts or for the client is a second visit.
func TestWaitingIsNotFirstTime(t *testing.T) {
	w, ctx := newWorld(t)
	line(ctx, w, domain.StatutEnCours, nil, 8)
	check(ctx, t, w, w.iv.ID, "Started", want{premiere: true})
	line(ctx, w, domain.StatutEnAttente, nil, 9)
	check(ctx, t, w, w.iv.ID, "Waited", want{premiere: false})
}

// TestDeferred: bulk writes leave the facts to RefreshAll, which computes what the hooks
// would have.
func TestDeferred(t *testing.T) {
	w, ctx := newWorld(t)
	bulk := facts.Deferred(ctx)
	w.c.TempsPasse.Create().SetInterventionID(w.iv.ID).SetTechnicien(w.t1).SetUserID(w.t1.UserID).
		SetDebut(at(8)).SetFin(at(9)).SetDureeMinutes(60).SetTauxHoraireCentimes(6000).ExecX(bulk)
	w.c.HistoriqueIntervention.Create().SetInterventionID(w.iv.ID).SetUserID(w.admin).
		SetNouveauStatut(domain.StatutAnnulee).SetHorodatage(at(10)).ExecX(bulk)
	check(ctx, t, w, w.iv.ID, "BeforeRefreshAll", want{premiere: true})
	if err := facts.RefreshAll(ctx, w.c); err != nil {
		t.Fatal(err)
	}
	cancelled := at(10)
	check(ctx, t, w, w.iv.ID, "AfterRefreshAll", want{annulee: &cancelled, premiere: true, mainOeuvre: 360_000})
	check(ctx, t, w, w.neighbor.ID, "AfterRefreshAll/neighbor", want{premiere: false, mainOeuvre: 6000})
}

// TestRolledBackWriteLeavesFacts: the facts are written in the transaction of the change.
func TestRolledBackWriteLeavesFacts(t *testing.T) {
	w, ctx := newWorld(t)
	tx, err := w.c.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tx.InterventionPiece.Create().SetInterventionID(w.iv.ID).SetPiece(w.p1).SetQuantite(1).SetPrixUnitaireCentimes(999).ExecX(ctx)
	if inTx := tx.Intervention.GetX(ctx, w.iv.ID).PiecesCentimes; inTx != 999 {
		t.Errorf("inside the transaction: pieces %d, want 999", inTx)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	check(ctx, t, w, w.iv.ID, "RolledBack", want{premiere: true})
}

func newWorld(t *testing.T) (*world, context.Context) {
	t.Helper()
	db := testdb.Open(t)
	ctx := viewer.SystemContext(context.Background())
	c := db.Ent
	w := &world{c: c}
	w.admin = c.User.Create().SetEmail("admin@example.com").SetPasswordHash("x").SetRole(domain.RoleAdmin).SaveX(ctx).ID
	tech := func(email string, rate int64) *ent.Technicien {
		u := c.User.Create().SetEmail(email).SetPasswordHash("x").SetRole(domain.RoleTechnicien).SaveX(ctx)
		return c.Technicien.Create().SetUser(u).SetTauxHoraireCentimes(rate).SaveX(ctx)
	}
	w.t1, w.t2 = tech("t1@example.com", 6000), tech("t2@example.com", 4000)
	w.p1 = c.Piece.Create().SetReference("P1").SetDesignation("Filtre").SaveX(ctx)
	w.p2 = c.Piece.Create().SetReference("P2").SetDesignation("Joint").SaveX(ctx)
	open := func(titre string) *ent.Intervention {
		return c.Intervention.Create().SetTitre(titre).SetStatut(domain.StatutOuverte).SetDateCreation(at(7)).SaveX(ctx)
	}
	w.neighbor = open("voisine")
	w.iv = open("suivie")
	// The neighbour waited once and has an hour at 60.00 MAD/h.
	c.HistoriqueIntervention.Create().SetInterventionID(w.neighbor.ID).SetUserID(w.admin).
		SetNouveauStatut(domain.StatutEnAttente).SetHorodatage(at(7)).ExecX(ctx)
	c.TempsPasse.Create().SetInterventionID(w.neighbor.ID).SetTechnicien(w.t1).SetUserID(w.t1.UserID).
		SetDebut(at(7)).SetFin(at(8)).SetDureeMinutes(1).SetTauxHoraireCentimes(6000).ExecX(ctx)
	return w, ctx
}

func check(ctx context.Context, t *testing.T, w *world, id int, step string, want want) {
	t.Helper()
	got := w.c.Intervention.GetX(ctx, id)
	if (got.DateAnnulation == nil) != (want.annulee == nil) ||
		got.DateAnnulation != nil && !got.DateAnnulation.Equal(*want.annulee) {
		t.Errorf("%s: dateAnnulation %v, want %v", step, got.DateAnnulation, want.annulee)
	}
	if got.PremiereFois != want.premiere {
		t.Errorf("%s: premiereFois %v, want %v", step, got.PremiereFois, want.premiere)
	}
	if got.MainOeuvreMinutesTaux != want.mainOeuvre {
		t.Errorf("%s: labour %d, want %d", step, got.MainOeuvreMinutesTaux, want.mainOeuvre)
	}
	if got.PiecesCentimes != want.piecesTotal {
		t.Errorf("%s: parts %d, want %d", step, got.PiecesCentimes, want.piecesTotal)
	}
}
