-- reverse: create index "arretequipement_intervention_id" to table: "arret_equipements"
DROP INDEX "arretequipement_intervention_id";
-- reverse: create index "arretequipement_equipement_id_debut" to table: "arret_equipements"
DROP INDEX "arretequipement_equipement_id_debut";
-- reverse: create index "arretequipement_debut" to table: "arret_equipements"
DROP INDEX "arretequipement_debut";
-- reverse: create index "arretequipement_created_at" to table: "arret_equipements"
DROP INDEX "arretequipement_created_at";
-- reverse: create index "arret_equipement_en_cours" to table: "arret_equipements"
DROP INDEX "arret_equipement_en_cours";
-- reverse: create "arret_equipements" table
DROP TABLE "arret_equipements";
-- reverse: modify "interventions" table
ALTER TABLE "interventions" DROP COLUMN "arret_equipement";
