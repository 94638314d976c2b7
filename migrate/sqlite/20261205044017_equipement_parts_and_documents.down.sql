-- reverse: create index "equipement_parent_id" to table: "equipements"
DROP INDEX `equipement_parent_id`;
-- reverse: create index "equipement_emplacement_id" to table: "equipements"
DROP INDEX `equipement_emplacement_id`;
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
-- reverse: create index "document_equipement_id" to table: "documents"
DROP INDEX `document_equipement_id`;
-- reverse: create index "document_demande_id" to table: "documents"
DROP INDEX `document_demande_id`;
-- reverse: create index "document_uploaded_by_id" to table: "documents"
DROP INDEX `document_uploaded_by_id`;
-- reverse: create index "document_intervention_id" to table: "documents"
DROP INDEX `document_intervention_id`;
-- reverse: create index "document_created_at" to table: "documents"
DROP INDEX `document_created_at`;
-- reverse: create index "documents_path_key" to table: "documents"
DROP INDEX `documents_path_key`;
-- reverse: set sequence for "new_documents" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_documents";
-- reverse: create "new_documents" table
DROP TABLE `new_documents`;
