package migrate_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	atlas "ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/sqltool"
	"entgo.io/ent/dialect"

	"github.com/mifmaroc/erp/internal/schemadiff"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/migrate"
)

func TestUp(t *testing.T) {
	ctx := context.Background()
	dia := testdb.Dialect()
	db, _ := testdb.OpenEmpty(t)

	st, err := migrate.CurrentStatus(ctx, db.SQL, dia)
	if err != nil {
		t.Fatal(err)
	}
	if st.Current != 0 || st.Pending == 0 || st.Latest == 0 {
		t.Fatalf("status of an empty database = %+v, want nothing applied and some pending", st)
	}

	t.Run("AppliesEveryMigration", func(t *testing.T) {
		n, err := migrate.Up(ctx, db.SQL, dia)
		if err != nil {
			t.Fatal(err)
		}
		if n != st.Pending {
			t.Errorf("Up applied %d migrations, want %d", n, st.Pending)
		}
		var count int
		if err := db.SQL.QueryRowContext(ctx, "SELECT COUNT(*) FROM interventions").Scan(&count); err != nil {
			t.Fatalf("interventions table after migrating: %v", err)
		}
	})
	t.Run("SecondRunIsNoop", func(t *testing.T) {
		n, err := migrate.Up(ctx, db.SQL, dia)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("second Up applied %d migrations, want 0", n)
		}
		after, err := migrate.CurrentStatus(ctx, db.SQL, dia)
		if err != nil {
			t.Fatal(err)
		}
		if after.Pending != 0 || after.Current != st.Latest || after.Dirty {
			t.Errorf("status after Up = %+v, want current = latest = %d, nothing pending", after, st.Latest)
		}
	})
	t.Run("PoolStillUsable", func(t *testing.T) {
		// golang-migrate closes the database it is given when closed; ours must survive.
		if err := db.SQL.PingContext(ctx); err != nil {
			t.Fatalf("pool closed by migrations: %v", err)
		}
	})
}

// TestNoDrift proves the migrations produce exactly the ent schema: a field added to
// ent/schema without `go run ./cmd/migdiff <name>` makes it fail.
func TestNoDrift(t *testing.T) {
	dia := testdb.Dialect()
	_, devURL := testdb.OpenEmpty(t)
	dir := filepath.Join(".", migrate.Folders[dia])
	if err := schemadiff.Check(context.Background(), dia, devURL, dir); err != nil {
		t.Fatal(err)
	}
}

// TestDriftDetected shows the check is not vacuous: without its newest migration that changes
// the schema, the folder no longer produces the ent schema and Check says so.
func TestDriftDetected(t *testing.T) {
	dia := testdb.Dialect()
	_, devURL := testdb.OpenEmpty(t)
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(".", migrate.Folders[dia]))); err != nil {
		t.Fatal(err)
	}
	entries, err := filepath.Glob(filepath.Join(dir, "*.up.sql"))
	if err != nil || len(entries) == 0 {
		t.Fatalf("no migration found: %v", err)
	}
	// The newest migration that changes the schema (some only tune storage, some add what
	// the ent schema does not describe), and the ones after.
	i := len(entries) - 1
	for ; i >= 0; i-- {
		b, err := os.ReadFile(entries[i])
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), migrate.OutsideEnt) {
			continue
		}
		if strings.Contains(string(b), "CREATE ") || strings.Contains(string(b), "ADD COLUMN") {
			break
		}
	}
	if i < 0 {
		t.Fatal("no migration creates anything")
	}
	newest := entries[i]
	for _, up := range entries[i:] {
		for _, f := range []string{up, strings.Replace(up, ".up.sql", ".down.sql", 1)} {
			if err := os.Remove(f); err != nil {
				t.Fatal(err)
			}
		}
	}
	d, err := sqltool.NewGolangMigrateDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := d.Checksum()
	if err != nil {
		t.Fatal(err)
	}
	if err := atlas.WriteSumFile(d, sum); err != nil {
		t.Fatal(err)
	}

	err = schemadiff.Check(context.Background(), dia, devURL, dir)
	if !errors.Is(err, schemadiff.ErrDrift) {
		t.Fatalf("Check without %s = %v, want ErrDrift", filepath.Base(newest), err)
	}
}

// TestUpgradeKeepsData fills a database at the first migration, applies the others, and
// checks every row and reference survived (on SQLite some migrations rebuild tables).
func TestUpgradeKeepsData(t *testing.T) {
	ctx := context.Background()
	dia := testdb.Dialect()
	db, _ := testdb.OpenEmpty(t)
	versions, err := migrate.Versions(dia)
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) < 2 {
		t.Skip("a single migration: no upgrade to test")
	}
	if err := migrate.UpTo(ctx, db.SQL, dia, versions[0]); err != nil {
		t.Fatal(err)
	}
	const userID, techID, ivID = 51539607560, 47244640260, 21474836490
	now := time.Now().UTC()
	exec := execer(t, db.SQL, dia)
	exec(`INSERT INTO users (id, created_at, updated_at, email, password_hash, role, is_active, email_notifications, failed_login_attempts)
		VALUES (?, ?, ?, 'tech@example.com', 'x', 'TECHNICIEN', true, true, 0)`, userID, now, now)
	exec(`INSERT INTO techniciens (id, created_at, updated_at, disponibilite, taux_horaire_centimes, user_id)
		VALUES (?, ?, ?, 'DISPONIBLE', 15000, ?)`, techID, now, now, userID)
	exec(`INSERT INTO interventions (id, created_at, updated_at, titre, type, statut, priorite, urgence, date_creation, validation_client, technicien_id, demandeur_id)
		VALUES (?, ?, ?, 'Fuite', 'CORRECTIVE', 'AFFECTEE', 'HAUTE', false, ?, false, ?, ?)`, ivID, now, now, now, techID, userID)

	if _, err := migrate.Up(ctx, db.SQL, dia); err != nil {
		t.Fatal(err)
	}
	var email string
	var gotTech, gotDemandeur int64
	q := placeholders(dia, `SELECT u.email, i.technicien_id, i.demandeur_id FROM interventions i JOIN users u ON u.id = i.demandeur_id WHERE i.id = ?`)
	if err := db.SQL.QueryRowContext(ctx, q, ivID).Scan(&email, &gotTech, &gotDemandeur); err != nil {
		t.Fatalf("reading back the intervention after the upgrade: %v", err)
	}
	if email != "tech@example.com" || gotTech != techID || gotDemandeur != userID {
		t.Errorf("after upgrade: email %q, technicien %d, demandeur %d; want tech@example.com, %d, %d", email, gotTech, gotDemandeur, techID, userID)
	}
	var fk int
	if dia == dialect.SQLite {
		if err := db.SQL.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
			t.Errorf("foreign keys after the upgrade: %d, %v; want them on", fk, err)
		}
	}
}

// Interventions already warned of their deadline before the warning had its own column get
// it from their first RETARD notification, so that the deadline check does not warn them again.
func TestDeadlineWarningBackfill(t *testing.T) {
	ctx := context.Background()
	dia := testdb.Dialect()
	db, _ := testdb.OpenEmpty(t)
	versions, err := migrate.Versions(dia)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(versions, func(v uint) bool { return v >= 20261129060520 })
	if i < 1 {
		t.Fatalf("no deadline_warning migration after another among %v", versions)
	}
	if err := migrate.UpTo(ctx, db.SQL, dia, versions[i-1]); err != nil {
		t.Fatal(err)
	}
	const userID, warnedID, quietID = 51539607560, 21474836490, 21474836491
	now := time.Now().UTC().Truncate(time.Second)
	first, later := now.Add(-48*time.Hour), now.Add(-24*time.Hour)
	exec := execer(t, db.SQL, dia)
	exec(`INSERT INTO users (id, created_at, updated_at, email, password_hash, role, is_active, email_notifications, failed_login_attempts)
		VALUES (?, ?, ?, 'resp@example.com', 'x', 'RESPONSABLE', true, true, 0)`, userID, now, now)
	for _, id := range []int64{warnedID, quietID} {
		exec(`INSERT INTO interventions (id, created_at, updated_at, titre, type, statut, priorite, urgence, date_creation, date_limite, validation_client)
			VALUES (?, ?, ?, 'Fuite', 'CORRECTIVE', 'OUVERTE', 'HAUTE', false, ?, ?, false)`, id, now, now, now, now.Add(-72*time.Hour))
	}
	for _, n := range []struct {
		typ string
		at  time.Time
		iv  int64
	}{{"RETARD", later, warnedID}, {"RETARD", first, warnedID}, {"AFFECTATION", first, quietID}} {
		exec(`INSERT INTO notifications (created_at, updated_at, type, canal, sujet, message, lu, statut_envoi, tentatives, intervention_id, user_id)
			VALUES (?, ?, ?, 'EMAIL', 's', 'm', false, 'ENVOYEE', 0, ?, ?)`, n.at, n.at, n.typ, n.iv, userID)
	}

	if _, err := migrate.Up(ctx, db.SQL, dia); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]*time.Time{warnedID: &first, quietID: nil} {
		q := placeholders(dia, `SELECT date_alerte_echeance FROM interventions WHERE id = ?`)
		var got sql.NullTime
		if err := db.SQL.QueryRowContext(ctx, q, id).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got.Valid != (want != nil) || (want != nil && !got.Time.Equal(*want)) {
			t.Errorf("intervention %d: date_alerte_echeance = %v, want %v", id, got, want)
		}
	}
}

// execer runs statements written with ? placeholders on db, failing the test on error.
func execer(t *testing.T, db *sql.DB, dia string) func(q string, args ...any) {
	return func(q string, args ...any) {
		t.Helper()
		q = placeholders(dia, q)
		if _, err := db.ExecContext(context.Background(), q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// placeholders rewrites q's ? placeholders as the dialect wants them ($1, $2… on PostgreSQL).
func placeholders(dia, q string) string {
	if dia != dialect.Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
