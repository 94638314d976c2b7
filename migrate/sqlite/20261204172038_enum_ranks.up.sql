-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
BEGIN;
-- create "new_competences" table
CREATE TABLE `new_competences` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `nom` text NOT NULL, `niveau` text NOT NULL DEFAULT ('INTERMEDIAIRE'), `description` text NULL, `niveau_rang` integer NOT NULL DEFAULT (0));
-- copy rows from old table "competences" to new temporary table "new_competences"
INSERT INTO `new_competences` (`id`, `created_at`, `updated_at`, `nom`, `niveau`, `description`) SELECT `id`, `created_at`, `updated_at`, `nom`, `niveau`, `description` FROM `competences`;
-- drop "competences" table after copying rows
DROP TABLE `competences`;
-- rename temporary table "new_competences" to "competences"
ALTER TABLE `new_competences` RENAME TO `competences`;
-- create index "competences_nom_key" to table: "competences"
CREATE UNIQUE INDEX `competences_nom_key` ON `competences` (`nom`);
-- create index "competence_created_at" to table: "competences"
CREATE INDEX `competence_created_at` ON `competences` (`created_at`);
-- create "new_equipements" table
CREATE TABLE `new_equipements` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `nom` text NOT NULL, `code` text NOT NULL, `categorie` text NULL, `marque` text NULL, `modele` text NULL, `numero_serie` text NULL, `localisation` text NULL, `statut` text NOT NULL DEFAULT ('OPERATIONNEL'), `criticite` text NOT NULL DEFAULT ('STANDARD'), `date_installation` datetime NULL, `description` text NULL, `statut_rang` integer NOT NULL DEFAULT (0), `criticite_rang` integer NOT NULL DEFAULT (0), `client_id` integer NULL, CONSTRAINT `equipements_societes_equipements` FOREIGN KEY (`client_id`) REFERENCES `societes` (`id`) ON DELETE SET NULL);
-- set sequence for "new_equipements" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_equipements", 12884901888);
-- copy rows from old table "equipements" to new temporary table "new_equipements"
INSERT INTO `new_equipements` (`id`, `created_at`, `updated_at`, `nom`, `code`, `categorie`, `marque`, `modele`, `numero_serie`, `localisation`, `statut`, `criticite`, `date_installation`, `description`, `client_id`) SELECT `id`, `created_at`, `updated_at`, `nom`, `code`, `categorie`, `marque`, `modele`, `numero_serie`, `localisation`, `statut`, `criticite`, `date_installation`, `description`, `client_id` FROM `equipements`;
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
-- create "new_plannings" table
CREATE TABLE `new_plannings` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `titre` text NOT NULL, `description` text NULL, `priorite` text NOT NULL DEFAULT ('PROGRAMMEE'), `duree_estimee` integer NULL, `frequence` text NOT NULL, `intervalle` integer NOT NULL DEFAULT (1), `prochaine_date` datetime NOT NULL, `derniere_date` datetime NULL, `statut` text NOT NULL DEFAULT ('ACTIF'), `date_debut` datetime NULL, `priorite_rang` integer NOT NULL DEFAULT (0), `frequence_rang` integer NOT NULL DEFAULT (0), `statut_rang` integer NOT NULL DEFAULT (0), `equipement_id` integer NOT NULL, `technicien_id` integer NULL, CONSTRAINT `plannings_equipements_plannings` FOREIGN KEY (`equipement_id`) REFERENCES `equipements` (`id`) ON DELETE NO ACTION, CONSTRAINT `plannings_techniciens_plannings` FOREIGN KEY (`technicien_id`) REFERENCES `techniciens` (`id`) ON DELETE SET NULL);
-- set sequence for "new_plannings" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_plannings", 38654705664);
-- copy rows from old table "plannings" to new temporary table "new_plannings"
INSERT INTO `new_plannings` (`id`, `created_at`, `updated_at`, `titre`, `description`, `priorite`, `duree_estimee`, `frequence`, `intervalle`, `prochaine_date`, `derniere_date`, `statut`, `date_debut`, `equipement_id`, `technicien_id`) SELECT `id`, `created_at`, `updated_at`, `titre`, `description`, `priorite`, `duree_estimee`, `frequence`, `intervalle`, `prochaine_date`, `derniere_date`, `statut`, `date_debut`, `equipement_id`, `technicien_id` FROM `plannings`;
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
-- create "new_historique_interventions" table
CREATE TABLE `new_historique_interventions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `ancien_statut` text NULL, `nouveau_statut` text NOT NULL, `horodatage` datetime NOT NULL, `remarque` text NULL, `champ` text NULL, `ancienne_valeur` text NULL, `nouvelle_valeur` text NULL, `nouveau_statut_rang` integer NOT NULL DEFAULT (0), `intervention_id` integer NOT NULL, `technicien_id` integer NULL, `user_id` integer NOT NULL, CONSTRAINT `historique_interventions_interventions_historique` FOREIGN KEY (`intervention_id`) REFERENCES `interventions` (`id`) ON DELETE NO ACTION, CONSTRAINT `historique_interventions_techniciens_historique` FOREIGN KEY (`technicien_id`) REFERENCES `techniciens` (`id`) ON DELETE SET NULL, CONSTRAINT `historique_interventions_users_historiques` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "new_historique_interventions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_historique_interventions", 17179869184);
-- copy rows from old table "historique_interventions" to new temporary table "new_historique_interventions"
INSERT INTO `new_historique_interventions` (`id`, `created_at`, `updated_at`, `ancien_statut`, `nouveau_statut`, `horodatage`, `remarque`, `champ`, `ancienne_valeur`, `nouvelle_valeur`, `intervention_id`, `technicien_id`, `user_id`) SELECT `id`, `created_at`, `updated_at`, `ancien_statut`, `nouveau_statut`, `horodatage`, `remarque`, `champ`, `ancienne_valeur`, `nouvelle_valeur`, `intervention_id`, `technicien_id`, `user_id` FROM `historique_interventions`;
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
-- create "new_interventions" table
CREATE TABLE `new_interventions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `titre` text NOT NULL, `description` text NULL, `type` text NOT NULL DEFAULT ('CORRECTIVE'), `statut` text NOT NULL DEFAULT ('OUVERTE'), `priorite` text NOT NULL DEFAULT ('NORMALE'), `urgence` bool NOT NULL DEFAULT (false), `date_creation` datetime NOT NULL, `date_prevue` datetime NULL, `date_limite` datetime NULL, `date_affectation` datetime NULL, `date_debut` datetime NULL, `date_fin` datetime NULL, `date_cloture` datetime NULL, `date_archivage` datetime NULL, `date_alerte_echeance` datetime NULL, `date_echeance` datetime NULL, `duree_estimee` integer NULL, `rapport` text NULL, `satisfaction_client` integer NULL, `validation_client` bool NOT NULL DEFAULT (false), `recherche` text NULL, `date_limite_manuelle` bool NOT NULL DEFAULT (false), `commentaire_client` text NULL, `date_validation_client` datetime NULL, `statut_rang` integer NOT NULL DEFAULT (0), `priorite_rang` integer NOT NULL DEFAULT (0), `contrat_id` integer NULL, `equipement_id` integer NULL, `planning_id` integer NULL, `client_id` integer NULL, `technicien_id` integer NULL, `demandeur_id` integer NULL, CONSTRAINT `interventions_contrats_interventions` FOREIGN KEY (`contrat_id`) REFERENCES `contrats` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_equipements_interventions` FOREIGN KEY (`equipement_id`) REFERENCES `equipements` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_plannings_interventions` FOREIGN KEY (`planning_id`) REFERENCES `plannings` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_societes_interventions` FOREIGN KEY (`client_id`) REFERENCES `societes` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_techniciens_interventions` FOREIGN KEY (`technicien_id`) REFERENCES `techniciens` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_users_interventions_demandees` FOREIGN KEY (`demandeur_id`) REFERENCES `users` (`id`) ON DELETE SET NULL);
-- set sequence for "new_interventions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_interventions", 21474836480);
-- copy rows from old table "interventions" to new temporary table "new_interventions"
INSERT INTO `new_interventions` (`id`, `created_at`, `updated_at`, `titre`, `description`, `type`, `statut`, `priorite`, `urgence`, `date_creation`, `date_prevue`, `date_limite`, `date_affectation`, `date_debut`, `date_fin`, `date_cloture`, `date_archivage`, `date_alerte_echeance`, `date_echeance`, `duree_estimee`, `rapport`, `satisfaction_client`, `validation_client`, `recherche`, `date_limite_manuelle`, `commentaire_client`, `date_validation_client`, `contrat_id`, `equipement_id`, `planning_id`, `client_id`, `technicien_id`, `demandeur_id`) SELECT `id`, `created_at`, `updated_at`, `titre`, `description`, `type`, `statut`, `priorite`, `urgence`, `date_creation`, `date_prevue`, `date_limite`, `date_affectation`, `date_debut`, `date_fin`, `date_cloture`, `date_archivage`, `date_alerte_echeance`, `date_echeance`, `duree_estimee`, `rapport`, `satisfaction_client`, `validation_client`, `recherche`, `date_limite_manuelle`, `commentaire_client`, `date_validation_client`, `contrat_id`, `equipement_id`, `planning_id`, `client_id`, `technicien_id`, `demandeur_id` FROM `interventions`;
-- drop "interventions" table after copying rows
DROP TABLE `interventions`;
-- rename temporary table "new_interventions" to "interventions"
ALTER TABLE `new_interventions` RENAME TO `interventions`;
-- create index "intervention_created_at" to table: "interventions"
CREATE INDEX `intervention_created_at` ON `interventions` (`created_at`);
-- create index "intervention_statut_rang_id" to table: "interventions"
CREATE INDEX `intervention_statut_rang_id` ON `interventions` (`statut_rang`, `id`);
-- create index "intervention_statut_rang_id_desc" to table: "interventions"
CREATE INDEX `intervention_statut_rang_id_desc` ON `interventions` (`statut_rang`, `id` DESC);
-- create index "intervention_priorite_rang_id" to table: "interventions"
CREATE INDEX `intervention_priorite_rang_id` ON `interventions` (`priorite_rang`, `id`);
-- create index "intervention_priorite_rang_id_desc" to table: "interventions"
CREATE INDEX `intervention_priorite_rang_id_desc` ON `interventions` (`priorite_rang`, `id` DESC);
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
-- rank the rows written before the rank columns, as internal/domain/rank.go does (TestRankBackfill)
UPDATE `interventions` SET `statut_rang` = CASE `statut` WHEN 'OUVERTE' THEN 1 WHEN 'AFFECTEE' THEN 2 WHEN 'EN_COURS' THEN 3 WHEN 'EN_ATTENTE' THEN 4 WHEN 'CLOTUREE' THEN 5 WHEN 'ANNULEE' THEN 6 WHEN 'ARCHIVEE' THEN 7 ELSE 0 END,
  `priorite_rang` = CASE `priorite` WHEN 'PROGRAMMEE' THEN 1 WHEN 'BASSE' THEN 2 WHEN 'NORMALE' THEN 3 WHEN 'HAUTE' THEN 4 WHEN 'URGENTE' THEN 5 ELSE 0 END;
UPDATE `historique_interventions` SET `nouveau_statut_rang` = CASE `nouveau_statut` WHEN 'OUVERTE' THEN 1 WHEN 'AFFECTEE' THEN 2 WHEN 'EN_COURS' THEN 3 WHEN 'EN_ATTENTE' THEN 4 WHEN 'CLOTUREE' THEN 5 WHEN 'ANNULEE' THEN 6 WHEN 'ARCHIVEE' THEN 7 ELSE 0 END;
UPDATE `equipements` SET `statut_rang` = CASE `statut` WHEN 'OPERATIONNEL' THEN 1 WHEN 'MAINTENANCE' THEN 2 WHEN 'PANNE' THEN 3 WHEN 'RETIRE' THEN 4 ELSE 0 END,
  `criticite_rang` = CASE `criticite` WHEN 'NON_CRITIQUE' THEN 1 WHEN 'STANDARD' THEN 2 WHEN 'IMPORTANT' THEN 3 WHEN 'CRITIQUE' THEN 4 ELSE 0 END;
UPDATE `plannings` SET `priorite_rang` = CASE `priorite` WHEN 'PROGRAMMEE' THEN 1 WHEN 'BASSE' THEN 2 WHEN 'NORMALE' THEN 3 WHEN 'HAUTE' THEN 4 WHEN 'URGENTE' THEN 5 ELSE 0 END,
  `frequence_rang` = CASE `frequence` WHEN 'JOURNALIER' THEN 1 WHEN 'HEBDOMADAIRE' THEN 2 WHEN 'MENSUEL' THEN 3 WHEN 'TRIMESTRIEL' THEN 4 WHEN 'SEMESTRIEL' THEN 5 WHEN 'ANNUEL' THEN 6 ELSE 0 END,
  `statut_rang` = CASE `statut` WHEN 'ACTIF' THEN 1 WHEN 'SUSPENDU' THEN 2 WHEN 'TERMINE' THEN 3 ELSE 0 END;
UPDATE `competences` SET `niveau_rang` = CASE `niveau` WHEN 'DEBUTANT' THEN 1 WHEN 'INTERMEDIAIRE' THEN 2 WHEN 'AVANCE' THEN 3 WHEN 'EXPERT' THEN 4 ELSE 0 END;
PRAGMA foreign_key_check;
COMMIT;
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
