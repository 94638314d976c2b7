-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
BEGIN;
-- create "new_interventions" table
CREATE TABLE `new_interventions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `titre` text NOT NULL, `description` text NULL, `type` text NOT NULL DEFAULT ('CORRECTIVE'), `statut` text NOT NULL DEFAULT ('OUVERTE'), `priorite` text NOT NULL DEFAULT ('NORMALE'), `urgence` bool NOT NULL DEFAULT (false), `date_creation` datetime NOT NULL, `date_prevue` datetime NULL, `date_limite` datetime NULL, `date_affectation` datetime NULL, `date_debut` datetime NULL, `date_fin` datetime NULL, `date_cloture` datetime NULL, `date_archivage` datetime NULL, `date_alerte_echeance` datetime NULL, `date_echeance` datetime NULL, `duree_estimee` integer NULL, `rapport` text NULL, `satisfaction_client` integer NULL, `validation_client` bool NOT NULL DEFAULT (false), `recherche` text NULL, `date_limite_manuelle` bool NOT NULL DEFAULT (false), `commentaire_client` text NULL, `date_validation_client` datetime NULL, `statut_rang` integer NOT NULL DEFAULT (0), `priorite_rang` integer NOT NULL DEFAULT (0), `niveau_requis` text NULL, `arret_equipement` bool NOT NULL DEFAULT (false), `date_annulation` datetime NULL, `premiere_fois` bool NOT NULL DEFAULT (true), `main_oeuvre_minutes_taux` integer NOT NULL DEFAULT (0), `pieces_centimes` integer NOT NULL DEFAULT (0), `contrat_id` integer NULL, `equipement_id` integer NULL, `competence_requise_id` integer NULL, `checklist_modele_id` integer NULL, `planning_id` integer NULL, `client_id` integer NULL, `technicien_id` integer NULL, `demandeur_id` integer NULL, CONSTRAINT `interventions_contrats_interventions` FOREIGN KEY (`contrat_id`) REFERENCES `contrats` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_equipements_interventions` FOREIGN KEY (`equipement_id`) REFERENCES `equipements` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_competences_competence_requise` FOREIGN KEY (`competence_requise_id`) REFERENCES `competences` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_checklist_modeles_checklist_modele` FOREIGN KEY (`checklist_modele_id`) REFERENCES `checklist_modeles` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_plannings_interventions` FOREIGN KEY (`planning_id`) REFERENCES `plannings` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_societes_interventions` FOREIGN KEY (`client_id`) REFERENCES `societes` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_techniciens_interventions` FOREIGN KEY (`technicien_id`) REFERENCES `techniciens` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_users_interventions_demandees` FOREIGN KEY (`demandeur_id`) REFERENCES `users` (`id`) ON DELETE SET NULL);
-- set sequence for "new_interventions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_interventions", 21474836480);
-- copy rows from old table "interventions" to new temporary table "new_interventions"
INSERT INTO `new_interventions` (`id`, `created_at`, `updated_at`, `titre`, `description`, `type`, `statut`, `priorite`, `urgence`, `date_creation`, `date_prevue`, `date_limite`, `date_affectation`, `date_debut`, `date_fin`, `date_cloture`, `date_archivage`, `date_alerte_echeance`, `date_echeance`, `duree_estimee`, `rapport`, `satisfaction_client`, `validation_client`, `recherche`, `date_limite_manuelle`, `commentaire_client`, `date_validation_client`, `statut_rang`, `priorite_rang`, `niveau_requis`, `arret_equipement`, `contrat_id`, `equipement_id`, `competence_requise_id`, `checklist_modele_id`, `planning_id`, `client_id`, `technicien_id`, `demandeur_id`) SELECT `id`, `created_at`, `updated_at`, `titre`, `description`, `type`, `statut`, `priorite`, `urgence`, `date_creation`, `date_prevue`, `date_limite`, `date_affectation`, `date_debut`, `date_fin`, `date_cloture`, `date_archivage`, `date_alerte_echeance`, `date_echeance`, `duree_estimee`, `rapport`, `satisfaction_client`, `validation_client`, `recherche`, `date_limite_manuelle`, `commentaire_client`, `date_validation_client`, `statut_rang`, `priorite_rang`, `niveau_requis`, `arret_equipement`, `contrat_id`, `equipement_id`, `competence_requise_id`, `checklist_modele_id`, `planning_id`, `client_id`, `technicien_id`, `demandeur_id` FROM `interventions`;
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
PRAGMA foreign_key_check;
COMMIT;
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
-- fill the facts from the rows they come from (internal/facts keeps them from now on)
UPDATE `interventions` SET
  `date_annulation` = (SELECT MIN(h.`horodatage`) FROM `historique_interventions` h WHERE h.`intervention_id` = `interventions`.`id` AND h.`nouveau_statut` = 'ANNULEE'),
  `premiere_fois` = NOT EXISTS (SELECT 1 FROM `historique_interventions` h WHERE h.`intervention_id` = `interventions`.`id`
    AND (h.`nouveau_statut` = 'EN_ATTENTE' OR (h.`technicien_id` IS NOT NULL AND (`interventions`.`technicien_id` IS NULL OR h.`technicien_id` <> `interventions`.`technicien_id`)))),
  `main_oeuvre_minutes_taux` = COALESCE((SELECT SUM(CAST(x.`duree_minutes` AS BIGINT) * x.`taux_horaire_centimes`) FROM `temps_passes` x WHERE x.`intervention_id` = `interventions`.`id` AND x.`duree_minutes` IS NOT NULL), 0),
  `pieces_centimes` = COALESCE((SELECT SUM(CAST(x.`quantite` AS BIGINT) * x.`prix_unitaire_centimes`) FROM `intervention_pieces` x WHERE x.`intervention_id` = `interventions`.`id`), 0);
