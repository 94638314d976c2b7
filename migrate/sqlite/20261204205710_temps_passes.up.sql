BEGIN;
-- create "temps_passes" table
CREATE TABLE `temps_passes` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `debut` datetime NOT NULL, `fin` datetime NULL, `duree_minutes` integer NULL, `taux_horaire_centimes` integer NOT NULL, `note` text NULL, `intervention_id` integer NOT NULL, `technicien_id` integer NOT NULL, `user_id` integer NOT NULL, CONSTRAINT `temps_passes_interventions_temps_passes` FOREIGN KEY (`intervention_id`) REFERENCES `interventions` (`id`) ON DELETE NO ACTION, CONSTRAINT `temps_passes_techniciens_technicien` FOREIGN KEY (`technicien_id`) REFERENCES `techniciens` (`id`) ON DELETE NO ACTION, CONSTRAINT `temps_passes_users_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "temps_passes" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("temps_passes", 81604378624);
-- create index "tempspasse_created_at" to table: "temps_passes"
CREATE INDEX `tempspasse_created_at` ON `temps_passes` (`created_at`);
-- create index "tempspasse_intervention_id_debut" to table: "temps_passes"
CREATE INDEX `tempspasse_intervention_id_debut` ON `temps_passes` (`intervention_id`, `debut`);
-- create index "tempspasse_technicien_id_debut" to table: "temps_passes"
CREATE INDEX `tempspasse_technicien_id_debut` ON `temps_passes` (`technicien_id`, `debut`);
-- create index "temps_passe_en_cours" to table: "temps_passes"
CREATE UNIQUE INDEX `temps_passe_en_cours` ON `temps_passes` (`technicien_id`) WHERE fin IS NULL;
COMMIT;
