-- reverse: create index "planning_statut_rang_id_desc" to table: "plannings"
DROP INDEX "planning_statut_rang_id_desc";
-- reverse: create index "planning_statut_rang_id" to table: "plannings"
DROP INDEX "planning_statut_rang_id";
-- reverse: create index "planning_priorite_rang_id_desc" to table: "plannings"
DROP INDEX "planning_priorite_rang_id_desc";
-- reverse: create index "planning_priorite_rang_id" to table: "plannings"
DROP INDEX "planning_priorite_rang_id";
-- reverse: create index "planning_frequence_rang_id_desc" to table: "plannings"
DROP INDEX "planning_frequence_rang_id_desc";
-- reverse: create index "planning_frequence_rang_id" to table: "plannings"
DROP INDEX "planning_frequence_rang_id";
-- reverse: modify "plannings" table
ALTER TABLE "plannings" DROP COLUMN "statut_rang", DROP COLUMN "frequence_rang", DROP COLUMN "priorite_rang";
-- reverse: create index "intervention_statut_rang_id_desc" to table: "interventions"
DROP INDEX "intervention_statut_rang_id_desc";
-- reverse: create index "intervention_statut_rang_id" to table: "interventions"
DROP INDEX "intervention_statut_rang_id";
-- reverse: create index "intervention_priorite_rang_id_desc" to table: "interventions"
DROP INDEX "intervention_priorite_rang_id_desc";
-- reverse: create index "intervention_priorite_rang_id" to table: "interventions"
DROP INDEX "intervention_priorite_rang_id";
-- reverse: modify "interventions" table
ALTER TABLE "interventions" DROP COLUMN "priorite_rang", DROP COLUMN "statut_rang";
-- reverse: modify "historique_interventions" table
ALTER TABLE "historique_interventions" DROP COLUMN "nouveau_statut_rang";
-- reverse: create index "equipement_statut_rang_id_desc" to table: "equipements"
DROP INDEX "equipement_statut_rang_id_desc";
-- reverse: create index "equipement_statut_rang_id" to table: "equipements"
DROP INDEX "equipement_statut_rang_id";
-- reverse: create index "equipement_criticite_rang_id_desc" to table: "equipements"
DROP INDEX "equipement_criticite_rang_id_desc";
-- reverse: create index "equipement_criticite_rang_id" to table: "equipements"
DROP INDEX "equipement_criticite_rang_id";
-- reverse: modify "equipements" table
ALTER TABLE "equipements" DROP COLUMN "criticite_rang", DROP COLUMN "statut_rang";
-- reverse: modify "competences" table
ALTER TABLE "competences" DROP COLUMN "niveau_rang";
