-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
BEGIN;
-- create "new_documents" table
CREATE TABLE `new_documents` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `filename` text NOT NULL, `path` text NOT NULL, `mime_type` text NOT NULL, `size` integer NOT NULL, `sha256` text NOT NULL, `date_upload` datetime NOT NULL, `categorie` text NULL, `demande_id` integer NULL, `equipement_id` integer NULL, `intervention_id` integer NULL, `uploaded_by_id` integer NULL, CONSTRAINT `documents_demande_interventions_documents` FOREIGN KEY (`demande_id`) REFERENCES `demande_interventions` (`id`) ON DELETE SET NULL, CONSTRAINT `documents_equipements_documents` FOREIGN KEY (`equipement_id`) REFERENCES `equipements` (`id`) ON DELETE SET NULL, CONSTRAINT `documents_interventions_documents` FOREIGN KEY (`intervention_id`) REFERENCES `interventions` (`id`) ON DELETE SET NULL, CONSTRAINT `documents_users_documents` FOREIGN KEY (`uploaded_by_id`) REFERENCES `users` (`id`) ON DELETE SET NULL, CONSTRAINT `document_rattache` CHECK (intervention_id IS NOT NULL OR demande_id IS NOT NULL OR equipement_id IS NOT NULL));
-- set sequence for "new_documents" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_documents", 8589934592);
-- copy rows from old table "documents" to new temporary table "new_documents"
INSERT INTO `new_documents` (`id`, `created_at`, `updated_at`, `filename`, `path`, `mime_type`, `size`, `sha256`, `date_upload`, `demande_id`, `intervention_id`, `uploaded_by_id`) SELECT `id`, `created_at`, `updated_at`, `filename`, `path`, `mime_type`, `size`, `sha256`, `date_upload`, `demande_id`, `intervention_id`, `uploaded_by_id` FROM `documents`;
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
-- create index "document_equipement_id" to table: "documents"
CREATE INDEX `document_equipement_id` ON `documents` (`equipement_id`);
-- create "new_equipements" table
CREATE TABLE `new_equipements` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `nom` text NOT NULL, `code` text NOT NULL, `categorie` text NULL, `marque` text NULL, `modele` text NULL, `numero_serie` text NULL, `localisation` text NULL, `statut` text NOT NULL DEFAULT ('OPERATIONNEL'), `criticite` text NOT NULL DEFAULT ('STANDARD'), `date_installation` datetime NULL, `description` text NULL, `statut_rang` integer NOT NULL DEFAULT (0), `criticite_rang` integer NOT NULL DEFAULT (0), `emplacement_id` integer NULL, `checklist_modele_id` integer NULL, `parent_id` integer NULL, `client_id` integer NULL, CONSTRAINT `equipements_emplacements_equipements` FOREIGN KEY (`emplacement_id`) REFERENCES `emplacements` (`id`) ON DELETE SET NULL, CONSTRAINT `equipements_checklist_modeles_checklist_modele` FOREIGN KEY (`checklist_modele_id`) REFERENCES `checklist_modeles` (`id`) ON DELETE SET NULL, CONSTRAINT `equipements_equipements_enfants` FOREIGN KEY (`parent_id`) REFERENCES `equipements` (`id`) ON DELETE SET NULL, CONSTRAINT `equipements_societes_equipements` FOREIGN KEY (`client_id`) REFERENCES `societes` (`id`) ON DELETE SET NULL);
-- set sequence for "new_equipements" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_equipements", 12884901888);
-- copy rows from old table "equipements" to new temporary table "new_equipements"
INSERT INTO `new_equipements` (`id`, `created_at`, `updated_at`, `nom`, `code`, `categorie`, `marque`, `modele`, `numero_serie`, `localisation`, `statut`, `criticite`, `date_installation`, `description`, `statut_rang`, `criticite_rang`, `emplacement_id`, `checklist_modele_id`, `client_id`) SELECT `id`, `created_at`, `updated_at`, `nom`, `code`, `categorie`, `marque`, `modele`, `numero_serie`, `localisation`, `statut`, `criticite`, `date_installation`, `description`, `statut_rang`, `criticite_rang`, `emplacement_id`, `checklist_modele_id`, `client_id` FROM `equipements`;
-- drop "equipements" table after copying rows
DROP TABLE `equipements`;
-- rename temporary table "new_equipements" to "equipements"
ALTER TABLE `new_equipements` RENAME TO `equipements`;
-- create index "equipements_code_key" to table: "equipements"
CREATE UNIQUE INDEX `equipements_code_key` ON `equipements` (`code`);
-- create index "equipement_created_at" to table: "equipements"
CREATE INDEX `equipement_created_at` ON `equipements` (`created_at`);
-- create index "equipement_statut_rang_id" to table: "equipements"
CREATE INDEX `equipement_statut_rang_id` ON `equipements` (`statut_rang`, `id`);
-- create index "equipement_statut_rang_id_desc" to table: "equipements"
CREATE INDEX `equipement_statut_rang_id_desc` ON `equipements` (`statut_rang`, `id` DESC);
-- create index "equipement_criticite_rang_id" to table: "equipements"
CREATE INDEX `equipement_criticite_rang_id` ON `equipements` (`criticite_rang`, `id`);
-- create index "equipement_criticite_rang_id_desc" to table: "equipements"
CREATE INDEX `equipement_criticite_rang_id_desc` ON `equipements` (`criticite_rang`, `id` DESC);
-- create index "equipement_statut_criticite" to table: "equipements"
CREATE INDEX `equipement_statut_criticite` ON `equipements` (`statut`, `criticite`);
-- create index "equipement_client_id" to table: "equipements"
CREATE INDEX `equipement_client_id` ON `equipements` (`client_id`);
-- create index "equipement_nom" to table: "equipements"
CREATE INDEX `equipement_nom` ON `equipements` (`nom`);
-- create index "equipement_emplacement_id" to table: "equipements"
CREATE INDEX `equipement_emplacement_id` ON `equipements` (`emplacement_id`);
-- create index "equipement_parent_id" to table: "equipements"
CREATE INDEX `equipement_parent_id` ON `equipements` (`parent_id`);
PRAGMA foreign_key_check;
COMMIT;
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
