-- reverse: create index "pointchecklist_intervention_id_position" to table: "point_checklists"
DROP INDEX `pointchecklist_intervention_id_position`;
-- reverse: create index "pointchecklist_created_at" to table: "point_checklists"
DROP INDEX `pointchecklist_created_at`;
-- reverse: set sequence for "point_checklists" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "point_checklists";
-- reverse: create "point_checklists" table
DROP TABLE `point_checklists`;
-- reverse: create index "checklistmodele_created_at" to table: "checklist_modeles"
DROP INDEX `checklistmodele_created_at`;
-- reverse: create index "checklist_modeles_nom_key" to table: "checklist_modeles"
DROP INDEX `checklist_modeles_nom_key`;
-- reverse: set sequence for "checklist_modeles" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "checklist_modeles";
-- reverse: create "checklist_modeles" table
DROP TABLE `checklist_modeles`;
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
-- reverse: create index "planning_technicien_id" to table: "plannings"
DROP INDEX `planning_technicien_id`;
-- reverse: create index "planning_equipement_id" to table: "plannings"
DROP INDEX `planning_equipement_id`;
-- reverse: create index "planning_statut_prochaine_date" to table: "plannings"
DROP INDEX `planning_statut_prochaine_date`;
-- reverse: create index "planning_statut_rang_id_desc" to table: "plannings"
DROP INDEX `planning_statut_rang_id_desc`;
-- reverse: create index "planning_statut_rang_id" to table: "plannings"
DROP INDEX `planning_statut_rang_id`;
-- reverse: create index "planning_frequence_rang_id_desc" to table: "plannings"
DROP INDEX `planning_frequence_rang_id_desc`;
-- reverse: create index "planning_frequence_rang_id" to table: "plannings"
DROP INDEX `planning_frequence_rang_id`;
-- reverse: create index "planning_priorite_rang_id_desc" to table: "plannings"
DROP INDEX `planning_priorite_rang_id_desc`;
-- reverse: create index "planning_priorite_rang_id" to table: "plannings"
DROP INDEX `planning_priorite_rang_id`;
-- reverse: create index "planning_created_at" to table: "plannings"
DROP INDEX `planning_created_at`;
-- reverse: set sequence for "new_plannings" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_plannings";
-- reverse: create "new_plannings" table
DROP TABLE `new_plannings`;
-- reverse: create index "equipement_nom" to table: "equipements"
DROP INDEX `equipement_nom`;
-- reverse: create index "equipement_client_id" to table: "equipements"
DROP INDEX `equipement_client_id`;
-- reverse: create index "equipement_statut_criticite" to table: "equipements"
DROP INDEX `equipement_statut_criticite`;
-- reverse: create index "equipement_criticite_rang_id_desc" to table: "equipements"
DROP INDEX `equipement_criticite_rang_id_desc`;
-- reverse: create index "equipement_criticite_rang_id" to table: "equipements"
DROP INDEX `equipement_criticite_rang_id`;
-- reverse: create index "equipement_statut_rang_id_desc" to table: "equipements"
DROP INDEX `equipement_statut_rang_id_desc`;
-- reverse: create index "equipement_statut_rang_id" to table: "equipements"
DROP INDEX `equipement_statut_rang_id`;
-- reverse: create index "equipement_created_at" to table: "equipements"
DROP INDEX `equipement_created_at`;
-- reverse: create index "equipements_code_key" to table: "equipements"
DROP INDEX `equipements_code_key`;
-- reverse: set sequence for "new_equipements" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_equipements";
-- reverse: create "new_equipements" table
DROP TABLE `new_equipements`;
