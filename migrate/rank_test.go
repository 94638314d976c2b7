package migrate_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/testdb"
	"github.com/mifmaroc/erp/migrate"
)

// rankMigration is the version of the migration that adds the rank columns.
const rankMigration = 20261204172038

// Rows written before the rank columns existed get the rank of their value from the
// migration: the numbers its SQL writes are the domain's, for every value.
func TestRankBackfill(t *testing.T) {
	ctx := context.Background()
	dia := testdb.Dialect()
	db, _ := testdb.OpenEmpty(t)
	versions, err := migrate.Versions(dia)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(versions, func(v uint) bool { return v >= rankMigration })
	if i < 1 {
		t.Fatalf("no enum_ranks migration after another among %v", versions)
	}
	if err := migrate.UpTo(ctx, db.SQL, dia, versions[i-1]); err != nil {
		t.Fatal(err)
	}
	const userID, ivBase, eqBase = 51539607570, 21474836500, 12884901900
	now := time.Now().UTC().Truncate(time.Second)
	exec := execer(t, db.SQL, dia)
	exec(`INSERT INTO users (id, created_at, updated_at, email, password_hash, role, is_active, email_notifications, failed_login_attempts)
		VALUES (?, ?, ?, 'resp@example.com', 'x', 'RESPONSABLE', true, true, 0)`, userID, now, now)
	statuts, priorites := domain.InterventionStatut("").Values(), domain.Priorite("").Values()
	for k, s := range statuts {
		exec(`INSERT INTO interventions (id, created_at, updated_at, titre, type, statut, priorite, urgence, date_creation, validation_client)
			VALUES (?, ?, ?, 'Fuite', 'CORRECTIVE', ?, ?, false, ?, false)`, ivBase+k, now, now, s, priorites[k%len(priorites)], now)
		exec(`INSERT INTO historique_interventions (created_at, updated_at, nouveau_statut, horodatage, intervention_id, user_id)
			VALUES (?, ?, ?, ?, ?, ?)`, now, now, s, now, ivBase+k, userID)
	}
	criticites, etats := domain.Criticite("").Values(), domain.EquipementStatut("").Values()
	for k, c := range criticites {
		exec(`INSERT INTO equipements (id, created_at, updated_at, nom, code, statut, criticite) VALUES (?, ?, ?, 'Pompe', ?, ?, ?)`,
			eqBase+k, now, now, fmt.Sprintf("EQ-%d", k), etats[k%len(etats)], c)
	}
	frequences, etatsPlanning := domain.Frequence("").Values(), domain.PlanningStatut("").Values()
	for k, f := range frequences {
		exec(`INSERT INTO plannings (created_at, updated_at, titre, priorite, frequence, intervalle, prochaine_date, statut, equipement_id)
			VALUES (?, ?, 'Graissage', ?, ?, 1, ?, ?, ?)`, now, now, priorites[k%len(priorites)], f, now, etatsPlanning[k%len(etatsPlanning)], eqBase)
	}
	// Competence levels moved to the technicians who hold them: TestSkillLevelsBackfill.

	if _, err := migrate.Up(ctx, db.SQL, dia); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		table, field string
		rank         func(string) int
		values       int // distinct values written
	}{
		{"interventions", "statut", func(v string) int { return domain.InterventionStatut(v).Rank() }, len(statuts)},
		{"interventions", "priorite", func(v string) int { return domain.Priorite(v).Rank() }, len(priorites)},
		{"historique_interventions", "nouveau_statut", func(v string) int { return domain.InterventionStatut(v).Rank() }, len(statuts)},
		{"equipements", "statut", func(v string) int { return domain.EquipementStatut(v).Rank() }, len(etats)},
		{"equipements", "criticite", func(v string) int { return domain.Criticite(v).Rank() }, len(criticites)},
		{"plannings", "priorite", func(v string) int { return domain.Priorite(v).Rank() }, len(priorites)},
		{"plannings", "frequence", func(v string) int { return domain.Frequence(v).Rank() }, len(frequences)},
		{"plannings", "statut", func(v string) int { return domain.PlanningStatut(v).Rank() }, len(etatsPlanning)},
	}
	for _, tt := range tests {
		t.Run(tt.table+"."+tt.field, func(t *testing.T) {
			rows, err := db.SQL.QueryContext(ctx, fmt.Sprintf("SELECT DISTINCT %s, %s_rang FROM %s", tt.field, tt.field, tt.table))
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = rows.Close() }()
			seen := 0
			for rows.Next() {
				var v string
				var r int
				if err := rows.Scan(&v, &r); err != nil {
					t.Fatal(err)
				}
				seen++
				if want := tt.rank(v); r != want || want == 0 {
					t.Errorf("%s %s: rank %d, want %d", tt.field, v, r, want)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if seen != tt.values {
				t.Errorf("%d distinct (value, rank) pairs, want %d", seen, tt.values)
			}
		})
	}
}
