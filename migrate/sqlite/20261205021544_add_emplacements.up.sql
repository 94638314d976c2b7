-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
BEGIN;
-- create "new_equipements" table
CREATE TABLE `new_equipements` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `nom` text NOT NULL, `code` text NOT NULL, `categorie` text NULL, `marque` text NULL, `modele` text NULL, `numero_serie` text NULL, `localisation` text NULL, `statut` text NOT NULL DEFAULT ('OPERATIONNEL'), `criticite` text NOT NULL DEFAULT ('STANDARD'), `date_installation` datetime NULL, `description` text NULL, `statut_rang` integer NOT NULL DEFAULT (0), `criticite_rang` integer NOT NULL DEFAULT (0), `emplacement_id` integer NULL, `checklist_modele_id` integer NULL, `client_id` integer NULL, CONSTRAINT `equipements_emplacements_equipements` FOREIGN KEY (`emplacement_id`) REFERENCES `emplacements` (`id`) ON DELETE SET NULL, CONSTRAINT `equipements_checklist_modeles_checklist_modele` FOREIGN KEY (`checklist_modele_id`) REFERENCES `checklist_modeles` (`id`) ON DELETE SET NULL, CONSTRAINT `equipements_societes_equipements` FOREIGN KEY (`client_id`) REFERENCES `societes` (`id`) ON DELETE SET NULL);
-- set sequence for "new_equipements" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_equipements", 12884901888);
-- copy rows from old table "equipements" to new temporary table "new_equipements"
INSERT INTO `new_equipements` (`id`, `created_at`, `updated_at`, `nom`, `code`, `categorie`, `marque`, `modele`, `numero_serie`, `localisation`, `statut`, `criticite`, `date_installation`, `description`, `statut_rang`, `criticite_rang`, `checklist_modele_id`, `client_id`) SELECT `id`, `created_at`, `updated_at`, `nom`, `code`, `categorie`, `marque`, `modele`, `numero_serie`, `localisation`, `statut`, `criticite`, `date_installation`, `description`, `statut_rang`, `criticite_rang`, `checklist_modele_id`, `client_id` FROM `equipements`;
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
-- create "emplacements" table
CREATE TABLE `emplacements` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `nom` text NOT NULL, `code` text NULL, `type` text NOT NULL, `actif` bool NOT NULL DEFAULT (true), `parent_id` integer NULL, CONSTRAINT `emplacements_emplacements_enfants` FOREIGN KEY (`parent_id`) REFERENCES `emplacements` (`id`) ON DELETE SET NULL);
-- set sequence for "emplacements" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("emplacements", 107374182400);
-- create index "emplacements_code_key" to table: "emplacements"
CREATE UNIQUE INDEX `emplacements_code_key` ON `emplacements` (`code`);
-- create index "emplacement_created_at" to table: "emplacements"
CREATE INDEX `emplacement_created_at` ON `emplacements` (`created_at`);
-- create index "emplacement_parent_id" to table: "emplacements"
CREATE INDEX `emplacement_parent_id` ON `emplacements` (`parent_id`);
-- create index "emplacement_nom" to table: "emplacements"
CREATE INDEX `emplacement_nom` ON `emplacements` (`nom`);
PRAGMA foreign_key_check;
COMMIT;
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
