-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
BEGIN;
-- create "new_documents" table
CREATE TABLE `new_documents` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `filename` text NOT NULL, `path` text NOT NULL, `mime_type` text NOT NULL, `size` integer NOT NULL, `sha256` text NOT NULL, `date_upload` datetime NOT NULL, `demande_id` integer NULL, `intervention_id` integer NULL, `uploaded_by_id` integer NULL, CONSTRAINT `documents_demande_interventions_documents` FOREIGN KEY (`demande_id`) REFERENCES `demande_interventions` (`id`) ON DELETE SET NULL, CONSTRAINT `documents_interventions_documents` FOREIGN KEY (`intervention_id`) REFERENCES `interventions` (`id`) ON DELETE SET NULL, CONSTRAINT `documents_users_documents` FOREIGN KEY (`uploaded_by_id`) REFERENCES `users` (`id`) ON DELETE SET NULL, CONSTRAINT `document_rattache` CHECK (intervention_id IS NOT NULL OR demande_id IS NOT NULL));
-- set sequence for "new_documents" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_documents", 8589934592);
-- copy rows from old table "documents" to new temporary table "new_documents"
INSERT INTO `new_documents` (`id`, `created_at`, `updated_at`, `filename`, `path`, `mime_type`, `size`, `sha256`, `date_upload`, `intervention_id`, `uploaded_by_id`) SELECT `id`, `created_at`, `updated_at`, `filename`, `path`, `mime_type`, `size`, `sha256`, `date_upload`, `intervention_id`, `uploaded_by_id` FROM `documents`;
-- drop "documents" table after copying rows
DROP TABLE `documents`;
-- rename temporary table "new_documents" to "documents"
ALTER TABLE `new_documents` RENAME TO `documents`;
-- create index "documents_path_key" to table: "documents"
CREATE UNIQUE INDEX `documents_path_key` ON `documents` (`path`);
-- create index "document_created_at" to table: "documents"
CREATE INDEX `document_created_at` ON `documents` (`created_at`);
-- create index "document_intervention_id" to table: "documents"
CREATE INDEX `document_intervention_id` ON `documents` (`intervention_id`);
-- create index "document_uploaded_by_id" to table: "documents"
CREATE INDEX `document_uploaded_by_id` ON `documents` (`uploaded_by_id`);
-- create index "document_demande_id" to table: "documents"
CREATE INDEX `document_demande_id` ON `documents` (`demande_id`);
-- create "new_commentaires" table
CREATE TABLE `new_commentaires` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `texte` text NOT NULL, `interne` bool NOT NULL DEFAULT (false), `demande_id` integer NULL, `intervention_id` integer NULL, `auteur_id` integer NOT NULL, CONSTRAINT `commentaires_demande_interventions_commentaires` FOREIGN KEY (`demande_id`) REFERENCES `demande_interventions` (`id`) ON DELETE SET NULL, CONSTRAINT `commentaires_interventions_commentaires` FOREIGN KEY (`intervention_id`) REFERENCES `interventions` (`id`) ON DELETE SET NULL, CONSTRAINT `commentaires_users_commentaires` FOREIGN KEY (`auteur_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION, CONSTRAINT `commentaire_un_fil` CHECK ((intervention_id IS NULL) <> (demande_id IS NULL)));
-- set sequence for "new_commentaires" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_commentaires", 85899345920);
-- copy rows from old table "commentaires" to new temporary table "new_commentaires"
INSERT INTO `new_commentaires` (`id`, `created_at`, `updated_at`, `texte`, `interne`, `intervention_id`, `auteur_id`) SELECT `id`, `created_at`, `updated_at`, `texte`, `interne`, `intervention_id`, `auteur_id` FROM `commentaires`;
-- drop "commentaires" table after copying rows
DROP TABLE `commentaires`;
-- rename temporary table "new_commentaires" to "commentaires"
ALTER TABLE `new_commentaires` RENAME TO `commentaires`;
-- create index "commentaire_created_at" to table: "commentaires"
CREATE INDEX `commentaire_created_at` ON `commentaires` (`created_at`);
-- create index "commentaire_intervention_id_id" to table: "commentaires"
CREATE INDEX `commentaire_intervention_id_id` ON `commentaires` (`intervention_id`, `id`);
-- create index "commentaire_demande_id_id" to table: "commentaires"
CREATE INDEX `commentaire_demande_id_id` ON `commentaires` (`demande_id`, `id`);
-- create index "commentaire_auteur_id" to table: "commentaires"
CREATE INDEX `commentaire_auteur_id` ON `commentaires` (`auteur_id`);
PRAGMA foreign_key_check;
COMMIT;
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
