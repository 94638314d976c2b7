BEGIN;
-- create "commentaires" table
CREATE TABLE `commentaires` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `texte` text NOT NULL, `interne` bool NOT NULL DEFAULT (false), `intervention_id` integer NOT NULL, `auteur_id` integer NOT NULL, CONSTRAINT `commentaires_interventions_commentaires` FOREIGN KEY (`intervention_id`) REFERENCES `interventions` (`id`) ON DELETE NO ACTION, CONSTRAINT `commentaires_users_commentaires` FOREIGN KEY (`auteur_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "commentaires" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("commentaires", 85899345920);
-- create index "commentaire_created_at" to table: "commentaires"
CREATE INDEX `commentaire_created_at` ON `commentaires` (`created_at`);
-- create index "commentaire_intervention_id_id" to table: "commentaires"
CREATE INDEX `commentaire_intervention_id_id` ON `commentaires` (`intervention_id`, `id`);
-- create index "commentaire_auteur_id" to table: "commentaires"
CREATE INDEX `commentaire_auteur_id` ON `commentaires` (`auteur_id`);
COMMIT;
