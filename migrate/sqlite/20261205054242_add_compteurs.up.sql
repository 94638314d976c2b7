-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
BEGIN;
-- create "new_plannings" table
CREATE TABLE `new_plannings` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `titre` text NOT NULL, `description` text NULL, `priorite` text NOT NULL DEFAULT ('PROGRAMMEE'), `duree_estimee` integer NULL, `frequence` text NOT NULL, `intervalle` integer NOT NULL DEFAULT (1), `prochaine_date` datetime NOT NULL, `derniere_date` datetime NULL, `statut` text NOT NULL DEFAULT ('ACTIF'), `date_debut` datetime NULL, `priorite_rang` integer NOT NULL DEFAULT (0), `frequence_rang` integer NOT NULL DEFAULT (0), `statut_rang` integer NOT NULL DEFAULT (0), `flottant` bool NOT NULL DEFAULT (false), `declencheur` text NOT NULL DEFAULT ('CALENDRIER'), `intervalle_compteur` real NULL, `prochain_seuil` real NULL, `compteur_id` integer NULL, `equipement_id` integer NOT NULL, `checklist_modele_id` integer NULL, `technicien_id` integer NULL, CONSTRAINT `plannings_compteurs_plannings` FOREIGN KEY (`compteur_id`) REFERENCES `compteurs` (`id`) ON DELETE SET NULL, CONSTRAINT `plannings_equipements_plannings` FOREIGN KEY (`equipement_id`) REFERENCES `equipements` (`id`) ON DELETE NO ACTION, CONSTRAINT `plannings_checklist_modeles_checklist_modele` FOREIGN KEY (`checklist_modele_id`) REFERENCES `checklist_modeles` (`id`) ON DELETE SET NULL, CONSTRAINT `plannings_techniciens_plannings` FOREIGN KEY (`technicien_id`) REFERENCES `techniciens` (`id`) ON DELETE SET NULL);
-- set sequence for "new_plannings" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_plannings", 38654705664);
-- copy rows from old table "plannings" to new temporary table "new_plannings"
INSERT INTO `new_plannings` (`id`, `created_at`, `updated_at`, `titre`, `description`, `priorite`, `duree_estimee`, `frequence`, `intervalle`, `prochaine_date`, `derniere_date`, `statut`, `date_debut`, `priorite_rang`, `frequence_rang`, `statut_rang`, `flottant`, `equipement_id`, `checklist_modele_id`, `technicien_id`) SELECT `id`, `created_at`, `updated_at`, `titre`, `description`, `priorite`, `duree_estimee`, `frequence`, `intervalle`, `prochaine_date`, `derniere_date`, `statut`, `date_debut`, `priorite_rang`, `frequence_rang`, `statut_rang`, `flottant`, `equipement_id`, `checklist_modele_id`, `technicien_id` FROM `plannings`;
-- drop "plannings" table after copying rows
DROP TABLE `plannings`;
-- rename temporary table "new_plannings" to "plannings"
ALTER TABLE `new_plannings` RENAME TO `plannings`;
-- create index "planning_created_at" to table: "plannings"
CREATE INDEX `planning_created_at` ON `plannings` (`created_at`);
-- create index "planning_priorite_rang_id" to table: "plannings"
CREATE INDEX `planning_priorite_rang_id` ON `plannings` (`priorite_rang`, `id`);
-- create index "planning_priorite_rang_id_desc" to table: "plannings"
CREATE INDEX `planning_priorite_rang_id_desc` ON `plannings` (`priorite_rang`, `id` DESC);
-- create index "planning_frequence_rang_id" to table: "plannings"
CREATE INDEX `planning_frequence_rang_id` ON `plannings` (`frequence_rang`, `id`);
-- create index "planning_frequence_rang_id_desc" to table: "plannings"
CREATE INDEX `planning_frequence_rang_id_desc` ON `plannings` (`frequence_rang`, `id` DESC);
-- create index "planning_statut_rang_id" to table: "plannings"
CREATE INDEX `planning_statut_rang_id` ON `plannings` (`statut_rang`, `id`);
-- create index "planning_statut_rang_id_desc" to table: "plannings"
CREATE INDEX `planning_statut_rang_id_desc` ON `plannings` (`statut_rang`, `id` DESC);
-- create index "planning_statut_prochaine_date" to table: "plannings"
CREATE INDEX `planning_statut_prochaine_date` ON `plannings` (`statut`, `prochaine_date`);
-- create index "planning_equipement_id" to table: "plannings"
CREATE INDEX `planning_equipement_id` ON `plannings` (`equipement_id`);
-- create index "planning_technicien_id" to table: "plannings"
CREATE INDEX `planning_technicien_id` ON `plannings` (`technicien_id`);
-- create index "planning_compteur_id" to table: "plannings"
CREATE INDEX `planning_compteur_id` ON `plannings` (`compteur_id`);
-- create "compteurs" table
CREATE TABLE `compteurs` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `nom` text NOT NULL, `unite` text NOT NULL, `libelle_unite` text NULL, `actif` bool NOT NULL DEFAULT (true), `equipement_id` integer NOT NULL, CONSTRAINT `compteurs_equipements_compteurs` FOREIGN KEY (`equipement_id`) REFERENCES `equipements` (`id`) ON DELETE NO ACTION);
-- set sequence for "compteurs" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("compteurs", 111669149696);
-- create index "compteur_created_at" to table: "compteurs"
CREATE INDEX `compteur_created_at` ON `compteurs` (`created_at`);
-- create index "compteur_equipement_id" to table: "compteurs"
CREATE INDEX `compteur_equipement_id` ON `compteurs` (`equipement_id`);
-- create "releve_compteurs" table
CREATE TABLE `releve_compteurs` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `valeur` real NOT NULL, `date_releve` datetime NOT NULL, `remise_a_zero` bool NOT NULL DEFAULT (false), `compteur_id` integer NOT NULL, `user_id` integer NULL, CONSTRAINT `releve_compteurs_compteurs_releves` FOREIGN KEY (`compteur_id`) REFERENCES `compteurs` (`id`) ON DELETE NO ACTION, CONSTRAINT `releve_compteurs_users_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE SET NULL);
-- set sequence for "releve_compteurs" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("releve_compteurs", 115964116992);
-- create index "relevecompteur_created_at" to table: "releve_compteurs"
CREATE INDEX `relevecompteur_created_at` ON `releve_compteurs` (`created_at`);
-- create index "relevecompteur_compteur_id_date_releve" to table: "releve_compteurs"
CREATE UNIQUE INDEX `relevecompteur_compteur_id_date_releve` ON `releve_compteurs` (`compteur_id`, `date_releve`);
PRAGMA foreign_key_check;
COMMIT;
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
