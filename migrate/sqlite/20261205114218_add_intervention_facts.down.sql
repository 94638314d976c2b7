-- reverse: create index "intervention_planning_id_date_echeance" to table: "interventions"
DROP INDEX `intervention_planning_id_date_echeance`;
-- reverse: create index "intervention_date_cloture" to table: "interventions"
DROP INDEX `intervention_date_cloture`;
-- reverse: create index "intervention_echeance_a_signaler" to table: "interventions"
DROP INDEX `intervention_echeance_a_signaler`;
-- reverse: create index "intervention_date_limite" to table: "interventions"
DROP INDEX `intervention_date_limite`;
-- reverse: create index "intervention_date_prevue" to table: "interventions"
DROP INDEX `intervention_date_prevue`;
-- reverse: create index "intervention_date_creation" to table: "interventions"
DROP INDEX `intervention_date_creation`;
-- reverse: create index "intervention_demandeur_id" to table: "interventions"
DROP INDEX `intervention_demandeur_id`;
-- reverse: create index "intervention_contrat_id" to table: "interventions"
DROP INDEX `intervention_contrat_id`;
-- reverse: create index "intervention_client_id_statut" to table: "interventions"
DROP INDEX `intervention_client_id_statut`;
-- reverse: create index "intervention_equipement_id" to table: "interventions"
DROP INDEX `intervention_equipement_id`;
-- reverse: create index "intervention_technicien_id_statut" to table: "interventions"
DROP INDEX `intervention_technicien_id_statut`;
-- reverse: create index "intervention_statut_priorite" to table: "interventions"
DROP INDEX `intervention_statut_priorite`;
-- reverse: create index "intervention_priorite_rang_id_desc" to table: "interventions"
DROP INDEX `intervention_priorite_rang_id_desc`;
-- reverse: create index "intervention_priorite_rang_id" to table: "interventions"
DROP INDEX `intervention_priorite_rang_id`;
-- reverse: create index "intervention_statut_rang_id_desc" to table: "interventions"
DROP INDEX `intervention_statut_rang_id_desc`;
-- reverse: create index "intervention_statut_rang_id" to table: "interventions"
DROP INDEX `intervention_statut_rang_id`;
-- reverse: create index "intervention_created_at" to table: "interventions"
DROP INDEX `intervention_created_at`;
-- reverse: set sequence for "new_interventions" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_interventions";
-- reverse: create "new_interventions" table
DROP TABLE `new_interventions`;
