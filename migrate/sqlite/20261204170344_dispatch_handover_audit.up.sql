-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
BEGIN;
-- create "new_historique_interventions" table
CREATE TABLE `new_historique_interventions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `ancien_statut` text NULL, `nouveau_statut` text NOT NULL, `horodatage` datetime NOT NULL, `remarque` text NULL, `champ` text NULL, `ancienne_valeur` text NULL, `nouvelle_valeur` text NULL, `intervention_id` integer NOT NULL, `technicien_id` integer NULL, `user_id` integer NOT NULL, CONSTRAINT `historique_interventions_interventions_historique` FOREIGN KEY (`intervention_id`) REFERENCES `interventions` (`id`) ON DELETE NO ACTION, CONSTRAINT `historique_interventions_techniciens_historique` FOREIGN KEY (`technicien_id`) REFERENCES `techniciens` (`id`) ON DELETE SET NULL, CONSTRAINT `historique_interventions_users_historiques` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "new_historique_interventions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_historique_interventions", 17179869184);
-- copy rows from old table "historique_interventions" to new temporary table "new_historique_interventions"
INSERT INTO `new_historique_interventions` (`id`, `created_at`, `updated_at`, `ancien_statut`, `nouveau_statut`, `horodatage`, `remarque`, `intervention_id`, `user_id`) SELECT `id`, `created_at`, `updated_at`, `ancien_statut`, `nouveau_statut`, `horodatage`, `remarque`, `intervention_id`, `user_id` FROM `historique_interventions`;
-- drop "historique_interventions" table after copying rows
DROP TABLE `historique_interventions`;
-- rename temporary table "new_historique_interventions" to "historique_interventions"
ALTER TABLE `new_historique_interventions` RENAME TO `historique_interventions`;
-- create index "historiqueintervention_created_at" to table: "historique_interventions"
CREATE INDEX `historiqueintervention_created_at` ON `historique_interventions` (`created_at`);
-- create index "historiqueintervention_intervention_id_horodatage" to table: "historique_interventions"
CREATE INDEX `historiqueintervention_intervention_id_horodatage` ON `historique_interventions` (`intervention_id`, `horodatage`);
-- create index "historiqueintervention_user_id" to table: "historique_interventions"
CREATE INDEX `historiqueintervention_user_id` ON `historique_interventions` (`user_id`);
-- create index "historiqueintervention_technicien_id_intervention_id" to table: "historique_interventions"
CREATE INDEX `historiqueintervention_technicien_id_intervention_id` ON `historique_interventions` (`technicien_id`, `intervention_id`);
-- create "new_techniciens" table
CREATE TABLE `new_techniciens` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `equipe` text NULL, `disponibilite` text NOT NULL DEFAULT ('DISPONIBLE'), `taux_horaire_centimes` integer NOT NULL DEFAULT (0), `actif` bool NOT NULL DEFAULT (true), `user_id` integer NOT NULL, CONSTRAINT `techniciens_users_technicien` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "new_techniciens" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_techniciens", 47244640256);
-- copy rows from old table "techniciens" to new temporary table "new_techniciens"
INSERT INTO `new_techniciens` (`id`, `created_at`, `updated_at`, `equipe`, `disponibilite`, `taux_horaire_centimes`, `user_id`) SELECT `id`, `created_at`, `updated_at`, `equipe`, `disponibilite`, `taux_horaire_centimes`, `user_id` FROM `techniciens`;
-- drop "techniciens" table after copying rows
DROP TABLE `techniciens`;
-- rename temporary table "new_techniciens" to "techniciens"
ALTER TABLE `new_techniciens` RENAME TO `techniciens`;
-- create index "techniciens_user_id_key" to table: "techniciens"
CREATE UNIQUE INDEX `techniciens_user_id_key` ON `techniciens` (`user_id`);
-- create index "technicien_created_at" to table: "techniciens"
CREATE INDEX `technicien_created_at` ON `techniciens` (`created_at`);
-- create index "technicien_disponibilite" to table: "techniciens"
CREATE INDEX `technicien_disponibilite` ON `techniciens` (`disponibilite`);
-- create index "technicien_equipe" to table: "techniciens"
CREATE INDEX `technicien_equipe` ON `techniciens` (`equipe`);
-- create "new_interventions" table
CREATE TABLE `new_interventions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `titre` text NOT NULL, `description` text NULL, `type` text NOT NULL DEFAULT ('CORRECTIVE'), `statut` text NOT NULL DEFAULT ('OUVERTE'), `priorite` text NOT NULL DEFAULT ('NORMALE'), `urgence` bool NOT NULL DEFAULT (false), `date_creation` datetime NOT NULL, `date_prevue` datetime NULL, `date_limite` datetime NULL, `date_affectation` datetime NULL, `date_debut` datetime NULL, `date_fin` datetime NULL, `date_cloture` datetime NULL, `date_archivage` datetime NULL, `date_alerte_echeance` datetime NULL, `date_echeance` datetime NULL, `duree_estimee` integer NULL, `rapport` text NULL, `satisfaction_client` integer NULL, `validation_client` bool NOT NULL DEFAULT (false), `recherche` text NULL, `date_limite_manuelle` bool NOT NULL DEFAULT (false), `commentaire_client` text NULL, `date_validation_client` datetime NULL, `contrat_id` integer NULL, `equipement_id` integer NULL, `planning_id` integer NULL, `client_id` integer NULL, `technicien_id` integer NULL, `demandeur_id` integer NULL, CONSTRAINT `interventions_contrats_interventions` FOREIGN KEY (`contrat_id`) REFERENCES `contrats` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_equipements_interventions` FOREIGN KEY (`equipement_id`) REFERENCES `equipements` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_plannings_interventions` FOREIGN KEY (`planning_id`) REFERENCES `plannings` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_societes_interventions` FOREIGN KEY (`client_id`) REFERENCES `societes` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_techniciens_interventions` FOREIGN KEY (`technicien_id`) REFERENCES `techniciens` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_users_interventions_demandees` FOREIGN KEY (`demandeur_id`) REFERENCES `users` (`id`) ON DELETE SET NULL);
-- set sequence for "new_interventions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_interventions", 21474836480);
-- copy rows from old table "interventions" to new temporary table "new_interventions"
INSERT INTO `new_interventions` (`id`, `created_at`, `updated_at`, `titre`, `description`, `type`, `statut`, `priorite`, `urgence`, `date_creation`, `date_prevue`, `date_limite`, `date_affectation`, `date_debut`, `date_fin`, `date_cloture`, `date_archivage`, `date_alerte_echeance`, `date_echeance`, `duree_estimee`, `rapport`, `satisfaction_client`, `validation_client`, `recherche`, `contrat_id`, `equipement_id`, `planning_id`, `client_id`, `technicien_id`, `demandeur_id`) SELECT `id`, `created_at`, `updated_at`, `titre`, `description`, `type`, `statut`, `priorite`, `urgence`, `date_creation`, `date_prevue`, `date_limite`, `date_affectation`, `date_debut`, `date_fin`, `date_cloture`, `date_archivage`, `date_alerte_echeance`, `date_echeance`, `duree_estimee`, `rapport`, `satisfaction_client`, `validation_client`, `recherche`, `contrat_id`, `equipement_id`, `planning_id`, `client_id`, `technicien_id`, `demandeur_id` FROM `interventions`;
-- drop "interventions" table after copying rows
DROP TABLE `interventions`;
-- rename temporary table "new_interventions" to "interventions"
ALTER TABLE `new_interventions` RENAME TO `interventions`;
-- create index "intervention_created_at" to table: "interventions"
CREATE INDEX `intervention_created_at` ON `interventions` (`created_at`);
-- create index "intervention_statut_priorite" to table: "interventions"
CREATE INDEX `intervention_statut_priorite` ON `interventions` (`statut`, `priorite`);
-- create index "intervention_technicien_id_statut" to table: "interventions"
CREATE INDEX `intervention_technicien_id_statut` ON `interventions` (`technicien_id`, `statut`);
-- create index "intervention_equipement_id" to table: "interventions"
CREATE INDEX `intervention_equipement_id` ON `interventions` (`equipement_id`);
-- create index "intervention_client_id_statut" to table: "interventions"
CREATE INDEX `intervention_client_id_statut` ON `interventions` (`client_id`, `statut`);
-- create index "intervention_contrat_id" to table: "interventions"
CREATE INDEX `intervention_contrat_id` ON `interventions` (`contrat_id`);
-- create index "intervention_demandeur_id" to table: "interventions"
CREATE INDEX `intervention_demandeur_id` ON `interventions` (`demandeur_id`);
-- create index "intervention_date_creation" to table: "interventions"
CREATE INDEX `intervention_date_creation` ON `interventions` (`date_creation`);
-- create index "intervention_date_prevue" to table: "interventions"
CREATE INDEX `intervention_date_prevue` ON `interventions` (`date_prevue`);
-- create index "intervention_date_limite" to table: "interventions"
CREATE INDEX `intervention_date_limite` ON `interventions` (`date_limite`);
-- create index "intervention_echeance_a_signaler" to table: "interventions"
CREATE INDEX `intervention_echeance_a_signaler` ON `interventions` (`date_alerte_echeance`, `statut`, `date_limite`);
-- create index "intervention_date_cloture" to table: "interventions"
CREATE INDEX `intervention_date_cloture` ON `interventions` (`date_cloture`);
-- create index "intervention_planning_id_date_echeance" to table: "interventions"
CREATE UNIQUE INDEX `intervention_planning_id_date_echeance` ON `interventions` (`planning_id`, `date_echeance`);
PRAGMA foreign_key_check;
COMMIT;
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
-- Lines written before technicien_id existed: the current technician was in charge after
-- every line but the creation (internal/intervention: he keeps reading that work).
UPDATE historique_interventions SET technicien_id = (SELECT i.technicien_id FROM interventions i WHERE i.id = historique_interventions.intervention_id) WHERE nouveau_statut <> 'OUVERTE' AND technicien_id IS NULL;
-- A profile whose account is no longer an active TECHNICIEN takes no work.
UPDATE techniciens SET actif = false WHERE user_id IN (SELECT u.id FROM users u WHERE u.role <> 'TECHNICIEN' OR NOT u.is_active OR u.deleted_at IS NOT NULL);
-- A retired equipement's plannings produce no more work.
UPDATE plannings SET statut = 'SUSPENDU' WHERE statut = 'ACTIF' AND equipement_id IN (SELECT e.id FROM equipements e WHERE e.statut = 'RETIRE');
