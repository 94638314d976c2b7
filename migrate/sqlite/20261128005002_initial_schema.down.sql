-- reverse: create "technicien_competences" table
DROP TABLE `technicien_competences`;
-- reverse: create index "user_role_is_active" to table: "users"
DROP INDEX `user_role_is_active`;
-- reverse: create index "user_created_at" to table: "users"
DROP INDEX `user_created_at`;
-- reverse: create index "users_email_key" to table: "users"
DROP INDEX `users_email_key`;
-- reverse: set sequence for "users" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "users";
-- reverse: create "users" table
DROP TABLE `users`;
-- reverse: create index "technicien_equipe" to table: "techniciens"
DROP INDEX `technicien_equipe`;
-- reverse: create index "technicien_disponibilite" to table: "techniciens"
DROP INDEX `technicien_disponibilite`;
-- reverse: create index "technicien_created_at" to table: "techniciens"
DROP INDEX `technicien_created_at`;
-- reverse: create index "techniciens_user_id_key" to table: "techniciens"
DROP INDEX `techniciens_user_id_key`;
-- reverse: set sequence for "techniciens" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "techniciens";
-- reverse: create "techniciens" table
DROP TABLE `techniciens`;
-- reverse: create index "societe_created_at" to table: "societes"
DROP INDEX `societe_created_at`;
-- reverse: create index "societes_user_id_key" to table: "societes"
DROP INDEX `societes_user_id_key`;
-- reverse: create index "societes_code_key" to table: "societes"
DROP INDEX `societes_code_key`;
-- reverse: set sequence for "societes" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "societes";
-- reverse: create "societes" table
DROP TABLE `societes`;
-- reverse: create index "planning_technicien_id" to table: "plannings"
DROP INDEX `planning_technicien_id`;
-- reverse: create index "planning_equipement_id" to table: "plannings"
DROP INDEX `planning_equipement_id`;
-- reverse: create index "planning_statut_prochaine_date" to table: "plannings"
DROP INDEX `planning_statut_prochaine_date`;
-- reverse: create index "planning_created_at" to table: "plannings"
DROP INDEX `planning_created_at`;
-- reverse: set sequence for "plannings" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "plannings";
-- reverse: create "plannings" table
DROP TABLE `plannings`;
-- reverse: create index "piece_created_at" to table: "pieces"
DROP INDEX `piece_created_at`;
-- reverse: create index "pieces_reference_key" to table: "pieces"
DROP INDEX `pieces_reference_key`;
-- reverse: set sequence for "pieces" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "pieces";
-- reverse: create "pieces" table
DROP TABLE `pieces`;
-- reverse: create index "notification_intervention_id" to table: "notifications"
DROP INDEX `notification_intervention_id`;
-- reverse: create index "notification_statut_envoi_prochaine_tentative" to table: "notifications"
DROP INDEX `notification_statut_envoi_prochaine_tentative`;
-- reverse: create index "notification_user_id_lu" to table: "notifications"
DROP INDEX `notification_user_id_lu`;
-- reverse: create index "notification_created_at" to table: "notifications"
DROP INDEX `notification_created_at`;
-- reverse: set sequence for "notifications" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "notifications";
-- reverse: create "notifications" table
DROP TABLE `notifications`;
-- reverse: create index "interventionpiece_intervention_id_piece_id" to table: "intervention_pieces"
DROP INDEX `interventionpiece_intervention_id_piece_id`;
-- reverse: create index "interventionpiece_created_at" to table: "intervention_pieces"
DROP INDEX `interventionpiece_created_at`;
-- reverse: set sequence for "intervention_pieces" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "intervention_pieces";
-- reverse: create "intervention_pieces" table
DROP TABLE `intervention_pieces`;
-- reverse: create index "intervention_planning_id_date_echeance" to table: "interventions"
DROP INDEX `intervention_planning_id_date_echeance`;
-- reverse: create index "intervention_date_cloture" to table: "interventions"
DROP INDEX `intervention_date_cloture`;
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
-- reverse: create index "intervention_created_at" to table: "interventions"
DROP INDEX `intervention_created_at`;
-- reverse: set sequence for "interventions" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "interventions";
-- reverse: create "interventions" table
DROP TABLE `interventions`;
-- reverse: create index "historiqueintervention_user_id" to table: "historique_interventions"
DROP INDEX `historiqueintervention_user_id`;
-- reverse: create index "historiqueintervention_intervention_id_horodatage" to table: "historique_interventions"
DROP INDEX `historiqueintervention_intervention_id_horodatage`;
-- reverse: create index "historiqueintervention_created_at" to table: "historique_interventions"
DROP INDEX `historiqueintervention_created_at`;
-- reverse: set sequence for "historique_interventions" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "historique_interventions";
-- reverse: create "historique_interventions" table
DROP TABLE `historique_interventions`;
-- reverse: create index "equipement_nom" to table: "equipements"
DROP INDEX `equipement_nom`;
-- reverse: create index "equipement_client_id" to table: "equipements"
DROP INDEX `equipement_client_id`;
-- reverse: create index "equipement_statut_criticite" to table: "equipements"
DROP INDEX `equipement_statut_criticite`;
-- reverse: create index "equipement_created_at" to table: "equipements"
DROP INDEX `equipement_created_at`;
-- reverse: create index "equipements_code_key" to table: "equipements"
DROP INDEX `equipements_code_key`;
-- reverse: set sequence for "equipements" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "equipements";
-- reverse: create "equipements" table
DROP TABLE `equipements`;
-- reverse: create index "document_uploaded_by_id" to table: "documents"
DROP INDEX `document_uploaded_by_id`;
-- reverse: create index "document_intervention_id" to table: "documents"
DROP INDEX `document_intervention_id`;
-- reverse: create index "document_created_at" to table: "documents"
DROP INDEX `document_created_at`;
-- reverse: create index "documents_path_key" to table: "documents"
DROP INDEX `documents_path_key`;
-- reverse: set sequence for "documents" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "documents";
-- reverse: create "documents" table
DROP TABLE `documents`;
-- reverse: create index "contrat_client_id" to table: "contrats"
DROP INDEX `contrat_client_id`;
-- reverse: create index "contrat_created_at" to table: "contrats"
DROP INDEX `contrat_created_at`;
-- reverse: create index "contrats_reference_key" to table: "contrats"
DROP INDEX `contrats_reference_key`;
-- reverse: set sequence for "contrats" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "contrats";
-- reverse: create "contrats" table
DROP TABLE `contrats`;
-- reverse: create index "competence_created_at" to table: "competences"
DROP INDEX `competence_created_at`;
-- reverse: create index "competences_nom_key" to table: "competences"
DROP INDEX `competences_nom_key`;
-- reverse: create "competences" table
DROP TABLE `competences`;
