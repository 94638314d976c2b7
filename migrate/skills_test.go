package migrate_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/migrate"
)

// skillsMigration is the version of the migration that moves levels onto held skills (the
// SQLite file's version is a second earlier than PostgreSQL's).
const skillsMigration = 20261204193333

// Technicians keep the skills they held before levels moved off the catalogue, each at the
// level the skill had; the skill keeps its name and the plain join table goes.
func TestSkillLevelsBackfill(t *testing.T) {
	ctx := context.Background()
	dia := testdb.Dialect()
	db, _ := testdb.OpenEmpty(t)
	versions, err := migrate.Versions(dia)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(versions, func(v uint) bool { return v >= skillsMigration })
	if i < 1 {
		t.Fatalf("no competences_par_technicien migration after another among %v", versions)
	}
	if err := migrate.UpTo(ctx, db.SQL, dia, versions[i-1]); err != nil {
		t.Fatal(err)
	}
	const userBase, techBase = 51539607600, 47244640300
	now := time.Now().UTC().Truncate(time.Second)
	exec := execer(t, db.SQL, dia)
	niveaux := domain.NiveauCompetence("").Values()
	for k := range 3 {
		exec(`INSERT INTO users (id, created_at, updated_at, email, password_hash, role, is_active, email_notifications, failed_login_attempts)
			VALUES (?, ?, ?, ?, 'x', 'TECHNICIEN', true, true, 0)`, userBase+k, now, now, fmt.Sprintf("tech%d@example.com", k))
		exec(`INSERT INTO techniciens (id, created_at, updated_at, user_id, disponibilite, taux_horaire_centimes, actif)
			VALUES (?, ?, ?, ?, 'DISPONIBLE', 0, true)`, techBase+k, now, now, userBase+k)
	}
	for k, n := range niveaux {
		exec(`INSERT INTO competences (id, created_at, updated_at, nom, niveau, niveau_rang) VALUES (?, ?, ?, ?, ?, ?)`,
			k+1, now, now, fmt.Sprintf("Compétence %d", k), n, domain.NiveauCompetence(n).Rank())
	}
	// Technician k holds the skills k+1 … 4: pairs of every level, a skill held by several.
	type held struct {
		Technicien, Competence int
		Niveau                 string
		Rang                   int
	}
	var want []held
	for k := range 3 {
		for c := k + 1; c <= len(niveaux); c++ {
			exec(`INSERT INTO technicien_competences (technicien_id, competence_id) VALUES (?, ?)`, techBase+k, c)
			want = append(want, held{techBase + k, c, niveaux[c-1], domain.NiveauCompetence(niveaux[c-1]).Rank()})
		}
	}

	if _, err := migrate.Up(ctx, db.SQL, dia); err != nil {
		t.Fatal(err)
	}
	rows, err := db.SQL.QueryContext(ctx, `SELECT technicien_id, competence_id, niveau, niveau_rang FROM techniciens_competences ORDER BY technicien_id, competence_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var got []held
	for rows.Next() {
		var h held
		if err := rows.Scan(&h.Technicien, &h.Competence, &h.Niveau, &h.Rang); err != nil {
			t.Fatal(err)
		}
		got = append(got, h)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("skills held after the migration (-want +got):\n%s", diff)
	}
	var n int
	if err := db.SQL.QueryRowContext(ctx, `SELECT COUNT(*) FROM competences`).Scan(&n); err != nil || n != len(niveaux) {
		t.Errorf("competences after the migration: %d, %v; want %d", n, err, len(niveaux))
	}
	if _, err := db.SQL.ExecContext(ctx, `SELECT 1 FROM technicien_competences`); err == nil {
		t.Error("the plain join table technicien_competences is still there")
	}
}
