BEGIN;
-- create "demande_interventions" table
CREATE TABLE `demande_interventions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `titre` text NOT NULL, `description` text NOT NULL, `urgence_suggeree` text NOT NULL DEFAULT ('NORMALE'), `statut` text NOT NULL DEFAULT ('NOUVELLE'), `motif_rejet` text NULL, `date_traitement` datetime NULL, `equipement_id` integer NOT NULL, `demandeur_id` integer NOT NULL, `societe_id` integer NULL, `doublon_de_id` integer NULL, `traite_par_id` integer NULL, `intervention_id` integer NULL, CONSTRAINT `demande_interventions_equipements_equipement` FOREIGN KEY (`equipement_id`) REFERENCES `equipements` (`id`) ON DELETE NO ACTION, CONSTRAINT `demande_interventions_users_demandeur` FOREIGN KEY (`demandeur_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION, CONSTRAINT `demande_interventions_societes_societe` FOREIGN KEY (`societe_id`) REFERENCES `societes` (`id`) ON DELETE SET NULL, CONSTRAINT `demande_interventions_interventions_doublon_de` FOREIGN KEY (`doublon_de_id`) REFERENCES `interventions` (`id`) ON DELETE SET NULL, CONSTRAINT `demande_interventions_users_traite_par` FOREIGN KEY (`traite_par_id`) REFERENCES `users` (`id`) ON DELETE SET NULL, CONSTRAINT `demande_interventions_interventions_demande` FOREIGN KEY (`intervention_id`) REFERENCES `interventions` (`id`) ON DELETE SET NULL);
-- set sequence for "demande_interventions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("demande_interventions", 90194313216);
-- create index "demande_interventions_intervention_id_key" to table: "demande_interventions"
CREATE UNIQUE INDEX `demande_interventions_intervention_id_key` ON `demande_interventions` (`intervention_id`);
-- create index "demandeintervention_created_at" to table: "demande_interventions"
CREATE INDEX `demandeintervention_created_at` ON `demande_interventions` (`created_at`);
-- create index "demandeintervention_demandeur_id" to table: "demande_interventions"
CREATE INDEX `demandeintervention_demandeur_id` ON `demande_interventions` (`demandeur_id`);
-- create index "demandeintervention_societe_id" to table: "demande_interventions"
CREATE INDEX `demandeintervention_societe_id` ON `demande_interventions` (`societe_id`);
-- create index "demandeintervention_statut" to table: "demande_interventions"
CREATE INDEX `demandeintervention_statut` ON `demande_interventions` (`statut`);
-- create index "demandeintervention_equipement_id" to table: "demande_interventions"
CREATE INDEX `demandeintervention_equipement_id` ON `demande_interventions` (`equipement_id`);
-- create index "demandeintervention_doublon_de_id" to table: "demande_interventions"
CREATE INDEX `demandeintervention_doublon_de_id` ON `demande_interventions` (`doublon_de_id`);
COMMIT;
