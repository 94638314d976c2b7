BEGIN;
-- create "competences" table
CREATE TABLE `competences` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `nom` text NOT NULL, `niveau` text NOT NULL DEFAULT ('INTERMEDIAIRE'), `description` text NULL);
-- create index "competences_nom_key" to table: "competences"
CREATE UNIQUE INDEX `competences_nom_key` ON `competences` (`nom`);
-- create index "competence_created_at" to table: "competences"
CREATE INDEX `competence_created_at` ON `competences` (`created_at`);
-- create "contrats" table
CREATE TABLE `contrats` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `reference` text NOT NULL, `objet` text NULL, `date_debut` datetime NOT NULL, `date_fin` datetime NULL, `montant_annuel_centimes` integer NOT NULL DEFAULT (0), `actif` bool NOT NULL DEFAULT (true), `client_id` integer NOT NULL, CONSTRAINT `contrats_societes_contrats` FOREIGN KEY (`client_id`) REFERENCES `societes` (`id`) ON DELETE NO ACTION);
-- set sequence for "contrats" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("contrats", 4294967296);
-- create index "contrats_reference_key" to table: "contrats"
CREATE UNIQUE INDEX `contrats_reference_key` ON `contrats` (`reference`);
-- create index "contrat_created_at" to table: "contrats"
CREATE INDEX `contrat_created_at` ON `contrats` (`created_at`);
-- create index "contrat_client_id" to table: "contrats"
CREATE INDEX `contrat_client_id` ON `contrats` (`client_id`);
-- create "documents" table
CREATE TABLE `documents` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `filename` text NOT NULL, `path` text NOT NULL, `mime_type` text NOT NULL, `size` integer NOT NULL, `sha256` text NOT NULL, `date_upload` datetime NOT NULL, `intervention_id` integer NOT NULL, `uploaded_by_id` integer NULL, CONSTRAINT `documents_interventions_documents` FOREIGN KEY (`intervention_id`) REFERENCES `interventions` (`id`) ON DELETE NO ACTION, CONSTRAINT `documents_users_documents` FOREIGN KEY (`uploaded_by_id`) REFERENCES `users` (`id`) ON DELETE SET NULL);
-- set sequence for "documents" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("documents", 8589934592);
-- create index "documents_path_key" to table: "documents"
CREATE UNIQUE INDEX `documents_path_key` ON `documents` (`path`);
-- create index "document_created_at" to table: "documents"
CREATE INDEX `document_created_at` ON `documents` (`created_at`);
-- create index "document_intervention_id" to table: "documents"
CREATE INDEX `document_intervention_id` ON `documents` (`intervention_id`);
-- create index "document_uploaded_by_id" to table: "documents"
CREATE INDEX `document_uploaded_by_id` ON `documents` (`uploaded_by_id`);
-- create "equipements" table
CREATE TABLE `equipements` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `nom` text NOT NULL, `code` text NOT NULL, `categorie` text NULL, `marque` text NULL, `modele` text NULL, `numero_serie` text NULL, `localisation` text NULL, `statut` text NOT NULL DEFAULT ('OPERATIONNEL'), `criticite` text NOT NULL DEFAULT ('STANDARD'), `date_installation` datetime NULL, `description` text NULL, `client_id` integer NULL, CONSTRAINT `equipements_societes_equipements` FOREIGN KEY (`client_id`) REFERENCES `societes` (`id`) ON DELETE SET NULL);
-- set sequence for "equipements" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("equipements", 12884901888);
-- create index "equipements_code_key" to table: "equipements"
CREATE UNIQUE INDEX `equipements_code_key` ON `equipements` (`code`);
-- create index "equipement_created_at" to table: "equipements"
CREATE INDEX `equipement_created_at` ON `equipements` (`created_at`);
-- create index "equipement_statut_criticite" to table: "equipements"
CREATE INDEX `equipement_statut_criticite` ON `equipements` (`statut`, `criticite`);
-- create index "equipement_client_id" to table: "equipements"
CREATE INDEX `equipement_client_id` ON `equipements` (`client_id`);
-- create index "equipement_nom" to table: "equipements"
CREATE INDEX `equipement_nom` ON `equipements` (`nom`);
-- create "historique_interventions" table
CREATE TABLE `historique_interventions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `ancien_statut` text NULL, `nouveau_statut` text NOT NULL, `horodatage` datetime NOT NULL, `remarque` text NULL, `intervention_id` integer NOT NULL, `user_id` integer NOT NULL, CONSTRAINT `historique_interventions_interventions_historique` FOREIGN KEY (`intervention_id`) REFERENCES `interventions` (`id`) ON DELETE NO ACTION, CONSTRAINT `historique_interventions_users_historiques` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "historique_interventions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("historique_interventions", 17179869184);
-- create index "historiqueintervention_created_at" to table: "historique_interventions"
CREATE INDEX `historiqueintervention_created_at` ON `historique_interventions` (`created_at`);
-- create index "historiqueintervention_intervention_id_horodatage" to table: "historique_interventions"
CREATE INDEX `historiqueintervention_intervention_id_horodatage` ON `historique_interventions` (`intervention_id`, `horodatage`);
-- create index "historiqueintervention_user_id" to table: "historique_interventions"
CREATE INDEX `historiqueintervention_user_id` ON `historique_interventions` (`user_id`);
-- create "interventions" table
CREATE TABLE `interventions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `titre` text NOT NULL, `description` text NULL, `type` text NOT NULL DEFAULT ('CORRECTIVE'), `statut` text NOT NULL DEFAULT ('OUVERTE'), `priorite` text NOT NULL DEFAULT ('NORMALE'), `urgence` bool NOT NULL DEFAULT (false), `date_creation` datetime NOT NULL, `date_prevue` datetime NULL, `date_limite` datetime NULL, `date_affectation` datetime NULL, `date_debut` datetime NULL, `date_fin` datetime NULL, `date_cloture` datetime NULL, `date_archivage` datetime NULL, `date_echeance` datetime NULL, `duree_estimee` integer NULL, `rapport` text NULL, `satisfaction_client` integer NULL, `validation_client` bool NOT NULL DEFAULT (false), `contrat_id` integer NULL, `equipement_id` integer NULL, `planning_id` integer NULL, `client_id` integer NULL, `technicien_id` integer NULL, `demandeur_id` integer NULL, CONSTRAINT `interventions_contrats_interventions` FOREIGN KEY (`contrat_id`) REFERENCES `contrats` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_equipements_interventions` FOREIGN KEY (`equipement_id`) REFERENCES `equipements` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_plannings_interventions` FOREIGN KEY (`planning_id`) REFERENCES `plannings` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_societes_interventions` FOREIGN KEY (`client_id`) REFERENCES `societes` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_techniciens_interventions` FOREIGN KEY (`technicien_id`) REFERENCES `techniciens` (`id`) ON DELETE SET NULL, CONSTRAINT `interventions_users_interventions_demandees` FOREIGN KEY (`demandeur_id`) REFERENCES `users` (`id`) ON DELETE SET NULL);
-- set sequence for "interventions" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("interventions", 21474836480);
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
-- create index "intervention_date_cloture" to table: "interventions"
CREATE INDEX `intervention_date_cloture` ON `interventions` (`date_cloture`);
-- create index "intervention_planning_id_date_echeance" to table: "interventions"
CREATE UNIQUE INDEX `intervention_planning_id_date_echeance` ON `interventions` (`planning_id`, `date_echeance`);
-- create "intervention_pieces" table
CREATE TABLE `intervention_pieces` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `quantite` integer NOT NULL, `prix_unitaire_centimes` integer NOT NULL, `intervention_id` integer NOT NULL, `piece_id` integer NOT NULL, CONSTRAINT `intervention_pieces_interventions_intervention` FOREIGN KEY (`intervention_id`) REFERENCES `interventions` (`id`) ON DELETE NO ACTION, CONSTRAINT `intervention_pieces_pieces_piece` FOREIGN KEY (`piece_id`) REFERENCES `pieces` (`id`) ON DELETE NO ACTION);
-- set sequence for "intervention_pieces" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("intervention_pieces", 25769803776);
-- create index "interventionpiece_created_at" to table: "intervention_pieces"
CREATE INDEX `interventionpiece_created_at` ON `intervention_pieces` (`created_at`);
-- create index "interventionpiece_intervention_id_piece_id" to table: "intervention_pieces"
CREATE UNIQUE INDEX `interventionpiece_intervention_id_piece_id` ON `intervention_pieces` (`intervention_id`, `piece_id`);
-- create "notifications" table
CREATE TABLE `notifications` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `type` text NOT NULL, `canal` text NOT NULL DEFAULT ('EMAIL'), `sujet` text NOT NULL, `message` text NOT NULL, `lu` bool NOT NULL DEFAULT (false), `date_lecture` datetime NULL, `statut_envoi` text NOT NULL DEFAULT ('EN_ATTENTE'), `tentatives` integer NOT NULL DEFAULT (0), `derniere_erreur` text NULL, `prochaine_tentative` datetime NULL, `date_envoi` datetime NULL, `intervention_id` integer NULL, `user_id` integer NOT NULL, CONSTRAINT `notifications_interventions_notifications` FOREIGN KEY (`intervention_id`) REFERENCES `interventions` (`id`) ON DELETE SET NULL, CONSTRAINT `notifications_users_notifications` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "notifications" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("notifications", 30064771072);
-- create index "notification_created_at" to table: "notifications"
CREATE INDEX `notification_created_at` ON `notifications` (`created_at`);
-- create index "notification_user_id_lu" to table: "notifications"
CREATE INDEX `notification_user_id_lu` ON `notifications` (`user_id`, `lu`);
-- create index "notification_statut_envoi_prochaine_tentative" to table: "notifications"
CREATE INDEX `notification_statut_envoi_prochaine_tentative` ON `notifications` (`statut_envoi`, `prochaine_tentative`);
-- create index "notification_intervention_id" to table: "notifications"
CREATE INDEX `notification_intervention_id` ON `notifications` (`intervention_id`);
-- create "pieces" table
CREATE TABLE `pieces` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `reference` text NOT NULL, `designation` text NOT NULL, `quantite` integer NOT NULL DEFAULT (0), `seuil_alerte` integer NOT NULL DEFAULT (0), `prix_unitaire_centimes` integer NOT NULL DEFAULT (0));
-- set sequence for "pieces" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("pieces", 34359738368);
-- create index "pieces_reference_key" to table: "pieces"
CREATE UNIQUE INDEX `pieces_reference_key` ON `pieces` (`reference`);
-- create index "piece_created_at" to table: "pieces"
CREATE INDEX `piece_created_at` ON `pieces` (`created_at`);
-- create "plannings" table
CREATE TABLE `plannings` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `titre` text NOT NULL, `description` text NULL, `priorite` text NOT NULL DEFAULT ('PROGRAMMEE'), `duree_estimee` integer NULL, `frequence` text NOT NULL, `intervalle` integer NOT NULL DEFAULT (1), `prochaine_date` datetime NOT NULL, `derniere_date` datetime NULL, `statut` text NOT NULL DEFAULT ('ACTIF'), `equipement_id` integer NOT NULL, `technicien_id` integer NULL, CONSTRAINT `plannings_equipements_plannings` FOREIGN KEY (`equipement_id`) REFERENCES `equipements` (`id`) ON DELETE NO ACTION, CONSTRAINT `plannings_techniciens_plannings` FOREIGN KEY (`technicien_id`) REFERENCES `techniciens` (`id`) ON DELETE SET NULL);
-- set sequence for "plannings" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("plannings", 38654705664);
-- create index "planning_created_at" to table: "plannings"
CREATE INDEX `planning_created_at` ON `plannings` (`created_at`);
-- create index "planning_statut_prochaine_date" to table: "plannings"
CREATE INDEX `planning_statut_prochaine_date` ON `plannings` (`statut`, `prochaine_date`);
-- create index "planning_equipement_id" to table: "plannings"
CREATE INDEX `planning_equipement_id` ON `plannings` (`equipement_id`);
-- create index "planning_technicien_id" to table: "plannings"
CREATE INDEX `planning_technicien_id` ON `plannings` (`technicien_id`);
-- create "societes" table
CREATE TABLE `societes` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `nom` text NOT NULL, `code` text NOT NULL, `email` text NULL, `telephone` text NULL, `adresse` text NULL, `ville` text NULL, `user_id` integer NULL, CONSTRAINT `societes_users_client` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE SET NULL);
-- set sequence for "societes" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("societes", 42949672960);
-- create index "societes_code_key" to table: "societes"
CREATE UNIQUE INDEX `societes_code_key` ON `societes` (`code`);
-- create index "societes_user_id_key" to table: "societes"
CREATE UNIQUE INDEX `societes_user_id_key` ON `societes` (`user_id`);
-- create index "societe_created_at" to table: "societes"
CREATE INDEX `societe_created_at` ON `societes` (`created_at`);
-- create "techniciens" table
CREATE TABLE `techniciens` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `equipe` text NULL, `disponibilite` text NOT NULL DEFAULT ('DISPONIBLE'), `taux_horaire_centimes` integer NOT NULL DEFAULT (0), `user_id` integer NOT NULL, CONSTRAINT `techniciens_users_technicien` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "techniciens" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("techniciens", 47244640256);
-- create index "techniciens_user_id_key" to table: "techniciens"
CREATE UNIQUE INDEX `techniciens_user_id_key` ON `techniciens` (`user_id`);
-- create index "technicien_created_at" to table: "techniciens"
CREATE INDEX `technicien_created_at` ON `techniciens` (`created_at`);
-- create index "technicien_disponibilite" to table: "techniciens"
CREATE INDEX `technicien_disponibilite` ON `techniciens` (`disponibilite`);
-- create index "technicien_equipe" to table: "techniciens"
CREATE INDEX `technicien_equipe` ON `techniciens` (`equipe`);
-- create "users" table
CREATE TABLE `users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `email` text NOT NULL, `username` text NULL, `nom_complet` text NULL, `telephone` text NULL, `password_hash` text NOT NULL, `role` text NOT NULL, `is_active` bool NOT NULL DEFAULT (true), `email_notifications` bool NOT NULL DEFAULT (true), `failed_login_attempts` integer NOT NULL DEFAULT (0), `locked_until` datetime NULL, `password_changed_at` datetime NULL, `last_login_at` datetime NULL);
-- set sequence for "users" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("users", 51539607552);
-- create index "users_email_key" to table: "users"
CREATE UNIQUE INDEX `users_email_key` ON `users` (`email`);
-- create index "user_created_at" to table: "users"
CREATE INDEX `user_created_at` ON `users` (`created_at`);
-- create index "user_role_is_active" to table: "users"
CREATE INDEX `user_role_is_active` ON `users` (`role`, `is_active`);
-- create "technicien_competences" table
CREATE TABLE `technicien_competences` (`technicien_id` integer NOT NULL, `competence_id` integer NOT NULL, PRIMARY KEY (`technicien_id`, `competence_id`), CONSTRAINT `technicien_competences_technicien_id` FOREIGN KEY (`technicien_id`) REFERENCES `techniciens` (`id`) ON DELETE CASCADE, CONSTRAINT `technicien_competences_competence_id` FOREIGN KEY (`competence_id`) REFERENCES `competences` (`id`) ON DELETE CASCADE);
COMMIT;
