-- reverse: create index "historiqueintervention_technicien_id_intervention_id" to table: "historique_interventions"
DROP INDEX "historiqueintervention_technicien_id_intervention_id";
-- reverse: modify "historique_interventions" table
ALTER TABLE "historique_interventions" DROP CONSTRAINT "historique_interventions_techniciens_historique", DROP COLUMN "technicien_id", DROP COLUMN "nouvelle_valeur", DROP COLUMN "ancienne_valeur", DROP COLUMN "champ";
-- reverse: modify "techniciens" table
ALTER TABLE "techniciens" DROP COLUMN "actif";
-- reverse: modify "interventions" table
ALTER TABLE "interventions" DROP COLUMN "date_validation_client", DROP COLUMN "commentaire_client", DROP COLUMN "date_limite_manuelle";
