-- reverse: create index "pointchecklist_intervention_id_position" to table: "point_checklists"
DROP INDEX "pointchecklist_intervention_id_position";
-- reverse: create index "pointchecklist_created_at" to table: "point_checklists"
DROP INDEX "pointchecklist_created_at";
-- reverse: create "point_checklists" table
DROP TABLE "point_checklists";
-- reverse: modify "plannings" table
ALTER TABLE "plannings" DROP CONSTRAINT "plannings_checklist_modeles_checklist_modele", DROP COLUMN "checklist_modele_id";
-- reverse: modify "interventions" table
ALTER TABLE "interventions" DROP CONSTRAINT "interventions_checklist_modeles_checklist_modele", DROP COLUMN "checklist_modele_id";
-- reverse: modify "equipements" table
ALTER TABLE "equipements" DROP CONSTRAINT "equipements_checklist_modeles_checklist_modele", DROP COLUMN "checklist_modele_id";
-- reverse: create index "checklistmodele_created_at" to table: "checklist_modeles"
DROP INDEX "checklistmodele_created_at";
-- reverse: create index "checklist_modeles_nom_key" to table: "checklist_modeles"
DROP INDEX "checklist_modeles_nom_key";
-- reverse: create "checklist_modeles" table
DROP TABLE "checklist_modeles";
