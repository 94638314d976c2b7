-- reverse: create index "demandeintervention_statut" to table: "demande_interventions"
DROP INDEX "demandeintervention_statut";
-- reverse: create index "demandeintervention_societe_id" to table: "demande_interventions"
DROP INDEX "demandeintervention_societe_id";
-- reverse: create index "demandeintervention_equipement_id" to table: "demande_interventions"
DROP INDEX "demandeintervention_equipement_id";
-- reverse: create index "demandeintervention_doublon_de_id" to table: "demande_interventions"
DROP INDEX "demandeintervention_doublon_de_id";
-- reverse: create index "demandeintervention_demandeur_id" to table: "demande_interventions"
DROP INDEX "demandeintervention_demandeur_id";
-- reverse: create index "demandeintervention_created_at" to table: "demande_interventions"
DROP INDEX "demandeintervention_created_at";
-- reverse: create index "demande_interventions_intervention_id_key" to table: "demande_interventions"
DROP INDEX "demande_interventions_intervention_id_key";
-- reverse: create "demande_interventions" table
DROP TABLE "demande_interventions";
