package migrate_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/migrate"
)

// clientsMigration is the version of the migration that moves the company link to the user's
// side and replaces the contracts' flag with a status (the earlier of its two dialects' files).
const clientsMigration = 20261204193204

// A company's user stays linked to it once the link lives on the user's row, and each
// contract gets the status its flag and dates said.
func TestClientLinkAndContractStatusBackfill(t *testing.T) {
	ctx := context.Background()
	dia := testdb.Dialect()
	db, _ := testdb.OpenEmpty(t)
	versions, err := migrate.Versions(dia)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(versions, func(v uint) bool { return v >= clientsMigration })
	if i < 1 {
		t.Fatalf("no clients_contracts migration after another among %v", versions)
	}
	if err := migrate.UpTo(ctx, db.SQL, dia, versions[i-1]); err != nil {
		t.Fatal(err)
	}
	const linked, unlinked, soc, otherSoc = 51539607580, 51539607581, 42949672970, 42949672971
	const ctActif, ctEnded, ctPaused = 4294967300, 4294967301, 4294967302
	now := time.Now().UTC().Truncate(time.Second)
	exec := execer(t, db.SQL, dia)
	for _, u := range []struct {
		id    int64
		email string
	}{{linked, "client@example.com"}, {unlinked, "other@example.com"}} {
		exec(`INSERT INTO users (id, created_at, updated_at, email, password_hash, role, is_active, email_notifications, failed_login_attempts)
			VALUES (?, ?, ?, ?, 'x', 'CLIENT', true, true, 0)`, u.id, now, now, u.email)
	}
	exec(`INSERT INTO societes (id, created_at, updated_at, nom, code, user_id) VALUES (?, ?, ?, 'Alpha', 'A', ?)`, soc, now, now, linked)
	exec(`INSERT INTO societes (id, created_at, updated_at, nom, code) VALUES (?, ?, ?, 'Beta', 'B')`, otherSoc, now, now)
	for _, c := range []struct {
		id    int64
		ref   string
		actif bool
		fin   time.Time
	}{
		{ctActif, "CT-1", true, now.AddDate(1, 0, 0)},
		{ctEnded, "CT-2", false, now.AddDate(0, -1, 0)},
		{ctPaused, "CT-3", false, now.AddDate(1, 0, 0)},
	} {
		exec(`INSERT INTO contrats (id, created_at, updated_at, reference, date_debut, date_fin, montant_annuel_centimes, actif, client_id)
			VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`, c.id, now, now, c.ref, now.AddDate(-1, 0, 0), c.fin, c.actif, soc)
	}

	if _, err := migrate.Up(ctx, db.SQL, dia); err != nil {
		t.Fatal(err)
	}
	links := map[int64]*int64{}
	rows, err := db.SQL.QueryContext(ctx, `SELECT id, societe_id FROM users`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var s *int64
		if err := rows.Scan(&id, &s); err != nil {
			t.Fatal(err)
		}
		links[id] = s
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	_ = rows.Close()
	wantSoc := int64(soc)
	if diff := cmp.Diff(map[int64]*int64{linked: &wantSoc, unlinked: nil}, links); diff != "" {
		t.Errorf("users.societe_id after the upgrade (-want +got):\n%s", diff)
	}
	statuts := map[int64]string{}
	rows, err = db.SQL.QueryContext(ctx, `SELECT id, statut FROM contrats`)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var id int64
		var s string
		if err := rows.Scan(&id, &s); err != nil {
			t.Fatal(err)
		}
		statuts[id] = s
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := map[int64]string{ctActif: "ACTIF", ctEnded: "EXPIRE", ctPaused: "SUSPENDU"}
	if diff := cmp.Diff(want, statuts); diff != "" {
		t.Errorf("contrats.statut after the upgrade (-want +got):\n%s", diff)
	}
}
