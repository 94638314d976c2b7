-- reverse: create index "commentaire_auteur_id" to table: "commentaires"
DROP INDEX `commentaire_auteur_id`;
-- reverse: create index "commentaire_demande_id_id" to table: "commentaires"
DROP INDEX `commentaire_demande_id_id`;
-- reverse: create index "commentaire_intervention_id_id" to table: "commentaires"
DROP INDEX `commentaire_intervention_id_id`;
-- reverse: create index "commentaire_created_at" to table: "commentaires"
DROP INDEX `commentaire_created_at`;
-- reverse: set sequence for "new_commentaires" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_commentaires";
-- reverse: create "new_commentaires" table
DROP TABLE `new_commentaires`;
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
