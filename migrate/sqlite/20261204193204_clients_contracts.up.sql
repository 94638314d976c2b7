-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
BEGIN;
-- create "new_contrats" table
CREATE TABLE `new_contrats` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `reference` text NOT NULL, `objet` text NULL, `date_debut` datetime NOT NULL, `date_fin` datetime NULL, `montant_annuel_centimes` integer NOT NULL DEFAULT (0), `statut` text NOT NULL DEFAULT ('ACTIF'), `sla_urgente_heures` integer NULL, `sla_haute_heures` integer NULL, `sla_normale_heures` integer NULL, `sla_basse_heures` integer NULL, `client_id` integer NOT NULL, CONSTRAINT `contrats_societes_contrats` FOREIGN KEY (`client_id`) REFERENCES `societes` (`id`) ON DELETE NO ACTION);
-- set sequence for "new_contrats" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_contrats", 4294967296);
-- copy rows from old table "contrats" to new temporary table "new_contrats"
-- the status replaces the flag: an active contract stays ACTIF, an inactive one is EXPIRE once past its end, SUSPENDU otherwise (times are stored in UTC, their first 19 characters are the instant)
INSERT INTO `new_contrats` (`id`, `created_at`, `updated_at`, `reference`, `objet`, `date_debut`, `date_fin`, `montant_annuel_centimes`, `client_id`, `statut`) SELECT `id`, `created_at`, `updated_at`, `reference`, `objet`, `date_debut`, `date_fin`, `montant_annuel_centimes`, `client_id`, CASE WHEN `actif` THEN 'ACTIF' WHEN julianday(substr(`date_fin`, 1, 19)) < julianday('now') THEN 'EXPIRE' ELSE 'SUSPENDU' END FROM `contrats`;
-- drop "contrats" table after copying rows
DROP TABLE `contrats`;
-- rename temporary table "new_contrats" to "contrats"
ALTER TABLE `new_contrats` RENAME TO `contrats`;
-- create index "contrats_reference_key" to table: "contrats"
CREATE UNIQUE INDEX `contrats_reference_key` ON `contrats` (`reference`);
-- create index "contrat_created_at" to table: "contrats"
CREATE INDEX `contrat_created_at` ON `contrats` (`created_at`);
-- create index "contrat_client_id" to table: "contrats"
CREATE INDEX `contrat_client_id` ON `contrats` (`client_id`);
-- create "new_users" table
CREATE TABLE `new_users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `email` text NOT NULL, `username` text NULL, `nom_complet` text NULL, `telephone` text NULL, `password_hash` text NOT NULL, `role` text NOT NULL, `is_active` bool NOT NULL DEFAULT (true), `email_notifications` bool NOT NULL DEFAULT (true), `failed_login_attempts` integer NOT NULL DEFAULT (0), `locked_until` datetime NULL, `password_changed_at` datetime NULL, `last_login_at` datetime NULL, `token_version` integer NOT NULL DEFAULT (0), `last_failed_login_at` datetime NULL, `deleted_at` datetime NULL, `societe_id` integer NULL, CONSTRAINT `users_societes_users` FOREIGN KEY (`societe_id`) REFERENCES `societes` (`id`) ON DELETE SET NULL);
-- set sequence for "new_users" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_users", 51539607552);
-- copy rows from old table "users" to new temporary table "new_users"
-- the company link moves to the user's side: carry each company's user over
INSERT INTO `new_users` (`id`, `created_at`, `updated_at`, `email`, `username`, `nom_complet`, `telephone`, `password_hash`, `role`, `is_active`, `email_notifications`, `failed_login_attempts`, `locked_until`, `password_changed_at`, `last_login_at`, `token_version`, `last_failed_login_at`, `deleted_at`, `societe_id`) SELECT `id`, `created_at`, `updated_at`, `email`, `username`, `nom_complet`, `telephone`, `password_hash`, `role`, `is_active`, `email_notifications`, `failed_login_attempts`, `locked_until`, `password_changed_at`, `last_login_at`, `token_version`, `last_failed_login_at`, `deleted_at`, (SELECT `s`.`id` FROM `societes` AS `s` WHERE `s`.`user_id` = `users`.`id`) FROM `users`;
-- drop "users" table after copying rows
DROP TABLE `users`;
-- rename temporary table "new_users" to "users"
ALTER TABLE `new_users` RENAME TO `users`;
-- create index "users_email_key" to table: "users"
CREATE UNIQUE INDEX `users_email_key` ON `users` (`email`);
-- create index "user_created_at" to table: "users"
CREATE INDEX `user_created_at` ON `users` (`created_at`);
-- create index "user_role_is_active" to table: "users"
CREATE INDEX `user_role_is_active` ON `users` (`role`, `is_active`);
-- create index "user_societe_id" to table: "users"
CREATE INDEX `user_societe_id` ON `users` (`societe_id`);
-- create "new_societes" table
CREATE TABLE `new_societes` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `nom` text NOT NULL, `code` text NOT NULL, `email` text NULL, `telephone` text NULL, `adresse` text NULL, `ville` text NULL, `actif` bool NOT NULL DEFAULT (true));
-- set sequence for "new_societes" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_societes", 42949672960);
-- copy rows from old table "societes" to new temporary table "new_societes"
INSERT INTO `new_societes` (`id`, `created_at`, `updated_at`, `nom`, `code`, `email`, `telephone`, `adresse`, `ville`) SELECT `id`, `created_at`, `updated_at`, `nom`, `code`, `email`, `telephone`, `adresse`, `ville` FROM `societes`;
-- drop "societes" table after copying rows
DROP TABLE `societes`;
-- rename temporary table "new_societes" to "societes"
ALTER TABLE `new_societes` RENAME TO `societes`;
-- create index "societes_code_key" to table: "societes"
CREATE UNIQUE INDEX `societes_code_key` ON `societes` (`code`);
-- create index "societe_created_at" to table: "societes"
CREATE INDEX `societe_created_at` ON `societes` (`created_at`);
-- create "contrat_equipements" table
CREATE TABLE `contrat_equipements` (`contrat_id` integer NOT NULL, `equipement_id` integer NOT NULL, PRIMARY KEY (`contrat_id`, `equipement_id`), CONSTRAINT `contrat_equipements_contrat_id` FOREIGN KEY (`contrat_id`) REFERENCES `contrats` (`id`) ON DELETE CASCADE, CONSTRAINT `contrat_equipements_equipement_id` FOREIGN KEY (`equipement_id`) REFERENCES `equipements` (`id`) ON DELETE CASCADE);
PRAGMA foreign_key_check;
COMMIT;
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
