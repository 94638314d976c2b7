-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
BEGIN;
-- create "new_interventions" table
CREATE TABLE `new_interventions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `titre` text NOT NULL, `description` text NULL, `type` text NOT NULL DEFAULT ('CORRECTIVE'), `statut` text NOT NULL DEFAULT ('OUVERTE'), `priorite` text NOT NULL DEFAULT ('NORMALE'), `urgence` bool NOT NULL DEFAULT (false), `date_creation` datetime NOT NULL, `date_prevue` datetime NULL, `date_limite` datetime NULL, `date_affectation` datetime NULL, `date_debut` datetime NULL, `date_fin` datetime NULL, `date_cloture` datetime NULL, `date_archivage` datetime NULL, `date_alerte_echeance` datetime NULL, `date_echeance` datetime NULL, `duree_estimee` integer NULL, `rapport` text NULL, `satisfaction_client` integer NULL, `validation_client` bool NOT NULL DEFAULT (false), `recherche` text NULL, `date_limite_manuelle` bool NOT NULL DEFAULT (false), `commentaire_client` text NULL, `date_validation_client` datetime NULL, `statut_rang` integer NOT NULL DEFAULT (0), `priorite_rang` integer NOT NULL DEFAULT (0), `niveau_requis` text NULL, `arret_equipement` bool NOT NULL DEFAULT (false), `contrat_id` integer NULL, `equipement_id` integer NULL, `competence_requise_id` integer NULL, `planning_id` integer NULL, `client_id` integer NULL, `technicien_id` integer NULL, `demandeur_id` integer NULL, CONSTRAINT `interventions_contrats_interventions` FOREIGN KEY (`contrat_id`) REFERENCES `contrats` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_equipements_interventions` FOREIGN KEY (`equipement_id`) REFERENCES `equipements` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_competences_competence_requise` FOREIGN KEY (`competence_requise_id`) REFERENCES `competences` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_plannings_interventions` FOREIGN KEY (`planning_id`) REFERENCES `plannings` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_societes_interventions` FOREIGN KEY (`client_id`) REFERENCES `societes` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_techniciens_interventions` FOREIGN KEY (`technicien_id`) REFERENCES `techniciens` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_users_interventions_demandees` FOREIGN KEY (`demandeur_id`) REFERENCES `users` (`id`) ON DELETE SET NULL);
-- set sequence for "new_interventions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_interventions", 21474836480);
-- copy rows from old table "interventions" to new temporary table "new_interventions"
INSERT INTO `new_interventions` (`id`, `created_at`, `updated_at`, `titre`, `description`, `type`, `statut`, `priorite`, `urgence`, `date_creation`, `date_prevue`, `date_limite`, `date_affectation`, `date_debut`, `date_fin`, `date_cloture`, `date_archivage`, `date_alerte_echeance`, `date_echeance`, `duree_estimee`, `rapport`, `satisfaction_client`, `validation_client`, `recherche`, `date_limite_manuelle`, `commentaire_client`, `date_validation_client`, `statut_rang`, `priorite_rang`, `niveau_requis`, `contrat_id`, `equipement_id`, `competence_requise_id`, `planning_id`, `client_id`, `technicien_id`, `demandeur_id`) SELECT `id`, `created_at`, `updated_at`, `titre`, `description`, `type`, `statut`, `priorite`, `urgence`, `date_creation`, `date_prevue`, `date_limite`, `date_affectation`, `date_debut`, `date_fin`, `date_cloture`, `date_archivage`, `date_alerte_echeance`, `date_echeance`, `duree_estimee`, `rapport`, `satisfaction_client`, `validation_client`, `recherche`, `date_limite_manuelle`, `commentaire_client`, `date_validation_client`, `statut_rang`, `priorite_rang`, `niveau_requis`, `contrat_id`, `equipement_id`, `competence_requise_id`, `planning_id`, `client_id`, `technicien_id`, `demandeur_id` FROM `interventions`;
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
-- create "arret_equipements" table
CREATE TABLE `arret_equipements` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `debut` datetime NOT NULL, `fin` datetime NULL, `intervention_id` integer NULL, `user_id` integer NULL, `equipement_id` integer NOT NULL, CONSTRAINT `arret_equipements_interventions_intervention` FOREIGN KEY (`intervention_id`) REFERENCES `interventions` (`id`) ON DELETE SET NULL, CONSTRAINT `arret_equipements_users_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE SET NULL, CONSTRAINT `arret_equipements_equipements_arrets` FOREIGN KEY (`equipement_id`) REFERENCES `equipements` (`id`) ON DELETE NO ACTION);
-- set sequence for "arret_equipements" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("arret_equipements", 94489280512);
-- create index "arretequipement_created_at" to table: "arret_equipements"
CREATE INDEX `arretequipement_created_at` ON `arret_equipements` (`created_at`);
-- create index "arretequipement_equipement_id_debut" to table: "arret_equipements"
CREATE INDEX `arretequipement_equipement_id_debut` ON `arret_equipements` (`equipement_id`, `debut`);
-- create index "arretequipement_debut" to table: "arret_equipements"
CREATE INDEX `arretequipement_debut` ON `arret_equipements` (`debut`);
-- create index "arretequipement_intervention_id" to table: "arret_equipements"
CREATE INDEX `arretequipement_intervention_id` ON `arret_equipements` (`intervention_id`);
-- create index "arret_equipement_en_cours" to table: "arret_equipements"
CREATE UNIQUE INDEX `arret_equipement_en_cours` ON `arret_equipements` (`equipement_id`) WHERE fin IS NULL;
-- equipment already PANNE is stopped since its last change, as far as anyone can tell
INSERT INTO `arret_equipements` (`created_at`, `updated_at`, `debut`, `equipement_id`) SELECT `updated_at`, `updated_at`, `updated_at`, `id` FROM `equipements` WHERE `statut` = 'PANNE';
PRAGMA foreign_key_check;
COMMIT;
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
