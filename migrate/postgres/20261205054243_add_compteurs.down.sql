-- reverse: create index "relevecompteur_created_at" to table: "releve_compteurs"
DROP INDEX "relevecompteur_created_at";
-- reverse: create index "relevecompteur_compteur_id_date_releve" to table: "releve_compteurs"
DROP INDEX "relevecompteur_compteur_id_date_releve";
-- reverse: create "releve_compteurs" table
DROP TABLE "releve_compteurs";
-- reverse: create index "planning_compteur_id" to table: "plannings"
DROP INDEX "planning_compteur_id";
-- reverse: modify "plannings" table
ALTER TABLE "plannings" DROP CONSTRAINT "plannings_compteurs_plannings", DROP COLUMN "compteur_id", DROP COLUMN "prochain_seuil", DROP COLUMN "intervalle_compteur", DROP COLUMN "declencheur";
-- reverse: create index "compteur_equipement_id" to table: "compteurs"
DROP INDEX "compteur_equipement_id";
-- reverse: create index "compteur_created_at" to table: "compteurs"
DROP INDEX "compteur_created_at";
-- reverse: create "compteurs" table
DROP TABLE "compteurs";
