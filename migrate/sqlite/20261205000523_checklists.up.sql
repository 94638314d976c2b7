-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
BEGIN;
-- create "new_equipements" table
CREATE TABLE `new_equipements` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `nom` text NOT NULL, `code` text NOT NULL, `categorie` text NULL, `marque` text NULL, `modele` text NULL, `numero_serie` text NULL, `localisation` text NULL, `statut` text NOT NULL DEFAULT ('OPERATIONNEL'), `criticite` text NOT NULL DEFAULT ('STANDARD'), `date_installation` datetime NULL, `description` text NULL, `statut_rang` integer NOT NULL DEFAULT (0), `criticite_rang` integer NOT NULL DEFAULT (0), `checklist_modele_id` integer NULL, `client_id` integer NULL, CONSTRAINT `equipements_checklist_modeles_checklist_modele` FOREIGN KEY (`checklist_modele_id`) REFERENCES `checklist_modeles` (`id`) ON DELETE SET NULL, CONSTRAINT `equipements_societes_equipements` FOREIGN KEY (`client_id`) REFERENCES `societes` (`id`) ON DELETE SET NULL);
-- set sequence for "new_equipements" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_equipements", 12884901888);
-- copy rows from old table "equipements" to new temporary table "new_equipements"
INSERT INTO `new_equipements` (`id`, `created_at`, `updated_at`, `nom`, `code`, `categorie`, `marque`, `modele`, `numero_serie`, `localisation`, `statut`, `criticite`, `date_installation`, `description`, `statut_rang`, `criticite_rang`, `client_id`) SELECT `id`, `created_at`, `updated_at`, `nom`, `code`, `categorie`, `marque`, `modele`, `numero_serie`, `localisation`, `statut`, `criticite`, `date_installation`, `description`, `statut_rang`, `criticite_rang`, `client_id` FROM `equipements`;
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
CREATE TABLE `new_plannings` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `titre` text NOT NULL, `description` text NULL, `priorite` text NOT NULL DEFAULT ('PROGRAMMEE'), `duree_estimee` integer NULL, `frequence` text NOT NULL, `intervalle` integer NOT NULL DEFAULT (1), `prochaine_date` datetime NOT NULL, `derniere_date` datetime NULL, `statut` text NOT NULL DEFAULT ('ACTIF'), `date_debut` datetime NULL, `priorite_rang` integer NOT NULL DEFAULT (0), `frequence_rang` integer NOT NULL DEFAULT (0), `statut_rang` integer NOT NULL DEFAULT (0), `equipement_id` integer NOT NULL, `checklist_modele_id` integer NULL, `technicien_id` integer NULL, CONSTRAINT `plannings_equipements_plannings` FOREIGN KEY (`equipement_id`) REFERENCES `equipements` (`id`) ON DELETE NO ACTION, CONSTRAINT `plannings_checklist_modeles_checklist_modele` FOREIGN KEY (`checklist_modele_id`) REFERENCES `checklist_modeles` (`id`) ON DELETE SET NULL, CONSTRAINT `plannings_techniciens_plannings` FOREIGN KEY (`technicien_id`) REFERENCES `techniciens` (`id`) ON DELETE SET NULL);
-- set sequence for "new_plannings" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_plannings", 38654705664);
-- copy rows from old table "plannings" to new temporary table "new_plannings"
INSERT INTO `new_plannings` (`id`, `created_at`, `updated_at`, `titre`, `description`, `priorite`, `duree_estimee`, `frequence`, `intervalle`, `prochaine_date`, `derniere_date`, `statut`, `date_debut`, `priorite_rang`, `frequence_rang`, `statut_rang`, `equipement_id`, `technicien_id`) SELECT `id`, `created_at`, `updated_at`, `titre`, `description`, `priorite`, `duree_estimee`, `frequence`, `intervalle`, `prochaine_date`, `derniere_date`, `statut`, `date_debut`, `priorite_rang`, `frequence_rang`, `statut_rang`, `equipement_id`, `technicien_id` FROM `plannings`;
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
-- create "new_interventions" table
CREATE TABLE `new_interventions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `titre` text NOT NULL, `description` text NULL, `type` text NOT NULL DEFAULT ('CORRECTIVE'), `statut` text NOT NULL DEFAULT ('OUVERTE'), `priorite` text NOT NULL DEFAULT ('NORMALE'), `urgence` bool NOT NULL DEFAULT (false), `date_creation` datetime NOT NULL, `date_prevue` datetime NULL, `date_limite` datetime NULL, `date_affectation` datetime NULL, `date_debut` datetime NULL, `date_fin` datetime NULL, `date_cloture` datetime NULL, `date_archivage` datetime NULL, `date_alerte_echeance` datetime NULL, `date_echeance` datetime NULL, `duree_estimee` integer NULL, `rapport` text NULL, `satisfaction_client` integer NULL, `validation_client` bool NOT NULL DEFAULT (false), `recherche` text NULL, `date_limite_manuelle` bool NOT NULL DEFAULT (false), `commentaire_client` text NULL, `date_validation_client` datetime NULL, `statut_rang` integer NOT NULL DEFAULT (0), `priorite_rang` integer NOT NULL DEFAULT (0), `niveau_requis` text NULL, `arret_equipement` bool NOT NULL DEFAULT (false), `contrat_id` integer NULL, `equipement_id` integer NULL, `competence_requise_id` integer NULL, `checklist_modele_id` integer NULL, `planning_id` integer NULL, `client_id` integer NULL, `technicien_id` integer NULL, `demandeur_id` integer NULL, CONSTRAINT `interventions_contrats_interventions` FOREIGN KEY (`contrat_id`) REFERENCES `contrats` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_equipements_interventions` FOREIGN KEY (`equipement_id`) REFERENCES `equipements` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_competences_competence_requise` FOREIGN KEY (`competence_requise_id`) REFERENCES `competences` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_checklist_modeles_checklist_modele` FOREIGN KEY (`checklist_modele_id`) REFERENCES `checklist_modeles` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_plannings_interventions` FOREIGN KEY (`planning_id`) REFERENCES `plannings` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_societes_interventions` FOREIGN KEY (`client_id`) REFERENCES `societes` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_techniciens_interventions` FOREIGN KEY (`technicien_id`) REFERENCES `techniciens` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_users_interventions_demandees` FOREIGN KEY (`demandeur_id`) REFERENCES `users` (`id`) ON DELETE SET NULL);
-- set sequence for "new_interventions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_interventions", 21474836480);
-- copy rows from old table "interventions" to new temporary table "new_interventions"
INSERT INTO `new_interventions` (`id`, `created_at`, `updated_at`, `titre`, `description`, `type`, `statut`, `priorite`, `urgence`, `date_creation`, `date_prevue`, `date_limite`, `date_affectation`, `date_debut`, `date_fin`, `date_cloture`, `date_archivage`, `date_alerte_echeance`, `date_echeance`, `duree_estimee`, `rapport`, `satisfaction_client`, `validation_client`, `recherche`, `date_limite_manuelle`, `commentaire_client`, `date_validation_client`, `statut_rang`, `priorite_rang`, `niveau_requis`, `arret_equipement`, `contrat_id`, `equipement_id`, `competence_requise_id`, `planning_id`, `client_id`, `technicien_id`, `demandeur_id`) SELECT `id`, `created_at`, `updated_at`, `titre`, `description`, `type`, `statut`, `priorite`, `urgence`, `date_creation`, `date_prevue`, `date_limite`, `date_affectation`, `date_debut`, `date_fin`, `date_cloture`, `date_archivage`, `date_alerte_echeance`, `date_echeance`, `duree_estimee`, `rapport`, `satisfaction_client`, `validation_client`, `recherche`, `date_limite_manuelle`, `commentaire_client`, `date_validation_client`, `statut_rang`, `priorite_rang`, `niveau_requis`, `arret_equipement`, `contrat_id`, `equipement_id`, `competence_requise_id`, `planning_id`, `client_id`, `technicien_id`, `demandeur_id` FROM `interventions`;
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
-- create "checklist_modeles" table
CREATE TABLE `checklist_modeles` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `nom` text NOT NULL, `description` text NULL, `points` json NOT NULL, `actif` bool NOT NULL DEFAULT (true));
-- set sequence for "checklist_modeles" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("checklist_modeles", 103079215104);
-- create index "checklist_modeles_nom_key" to table: "checklist_modeles"
CREATE UNIQUE INDEX `checklist_modeles_nom_key` ON `checklist_modeles` (`nom`);
-- create index "checklistmodele_created_at" to table: "checklist_modeles"
CREATE INDEX `checklistmodele_created_at` ON `checklist_modeles` (`created_at`);
-- create "point_checklists" table
CREATE TABLE `point_checklists` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `position` integer NOT NULL, `libelle` text NOT NULL, `type` text NOT NULL, `obligatoire` bool NOT NULL, `unite` text NULL, `min` real NULL, `max` real NULL, `choix` json NULL, `demande_si_hors_limites` bool NOT NULL DEFAULT (false), `coche` bool NULL, `valeur` real NULL, `texte` text NULL, `hors_limites` bool NOT NULL DEFAULT (false), `repondu_le` datetime NULL, `intervention_id` integer NOT NULL, `document_id` integer NULL, `repondu_par_id` integer NULL, `demande_id` integer NULL, CONSTRAINT `point_checklists_interventions_checklist` FOREIGN KEY (`intervention_id`) REFERENCES `interventions` (`id`) ON DELETE NO ACTION, CONSTRAINT `point_checklists_documents_photo` FOREIGN KEY (`document_id`) REFERENCES `documents` (`id`) ON DELETE SET NULL, CONSTRAINT `point_checklists_users_repondu_par` FOREIGN KEY (`repondu_par_id`) REFERENCES `users` (`id`) ON DELETE SET NULL, CONSTRAINT `point_checklists_demande_interventions_demande` FOREIGN KEY (`demande_id`) REFERENCES `demande_interventions` (`id`) ON DELETE SET NULL);
-- set sequence for "point_checklists" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("point_checklists", 98784247808);
-- create index "pointchecklist_created_at" to table: "point_checklists"
CREATE INDEX `pointchecklist_created_at` ON `point_checklists` (`created_at`);
-- create index "pointchecklist_intervention_id_position" to table: "point_checklists"
CREATE UNIQUE INDEX `pointchecklist_intervention_id_position` ON `point_checklists` (`intervention_id`, `position`);
PRAGMA foreign_key_check;
COMMIT;
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
