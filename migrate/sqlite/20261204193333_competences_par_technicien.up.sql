-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
BEGIN;
-- create "techniciens_competences" table
CREATE TABLE `techniciens_competences` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `niveau` text NOT NULL DEFAULT ('INTERMEDIAIRE'), `niveau_rang` integer NOT NULL DEFAULT (0), `competence_id` integer NOT NULL, `technicien_id` integer NOT NULL, CONSTRAINT `techniciens_competences_competences_detentions` FOREIGN KEY (`competence_id`) REFERENCES `competences` (`id`) ON DELETE NO ACTION, CONSTRAINT `techniciens_competences_techniciens_competences_detenues` FOREIGN KEY (`technicien_id`) REFERENCES `techniciens` (`id`) ON DELETE NO ACTION);
-- set sequence for "techniciens_competences" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("techniciens_competences", 64424509440);
-- backfill: each technician keeps his skills, at the level the skill itself had
INSERT INTO `techniciens_competences` (`created_at`, `updated_at`, `niveau`, `niveau_rang`, `competence_id`, `technicien_id`)
SELECT max(t.`created_at`, c.`created_at`), max(t.`created_at`, c.`created_at`), c.`niveau`, CASE c.`niveau` WHEN 'DEBUTANT' THEN 1 WHEN 'INTERMEDIAIRE' THEN 2 WHEN 'AVANCE' THEN 3 WHEN 'EXPERT' THEN 4 ELSE 0 END, tc.`competence_id`, tc.`technicien_id`
FROM `technicien_competences` tc JOIN `competences` c ON c.`id` = tc.`competence_id` JOIN `techniciens` t ON t.`id` = tc.`technicien_id`;
-- drop the plain join table the rows came from
DROP TABLE `technicien_competences`;
-- create "new_competences" table
CREATE TABLE `new_competences` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `nom` text NOT NULL, `description` text NULL);
-- copy rows from old table "competences" to new temporary table "new_competences"
INSERT INTO `new_competences` (`id`, `created_at`, `updated_at`, `nom`, `description`) SELECT `id`, `created_at`, `updated_at`, `nom`, `description` FROM `competences`;
-- drop "competences" table after copying rows
DROP TABLE `competences`;
-- rename temporary table "new_competences" to "competences"
ALTER TABLE `new_competences` RENAME TO `competences`;
-- create index "competences_nom_key" to table: "competences"
CREATE UNIQUE INDEX `competences_nom_key` ON `competences` (`nom`);
-- create index "competence_created_at" to table: "competences"
CREATE INDEX `competence_created_at` ON `competences` (`created_at`);
-- create index "techniciencompetence_created_at" to table: "techniciens_competences"
CREATE INDEX `techniciencompetence_created_at` ON `techniciens_competences` (`created_at`);
-- create index "techniciencompetence_technicien_id_competence_id" to table: "techniciens_competences"
CREATE UNIQUE INDEX `techniciencompetence_technicien_id_competence_id` ON `techniciens_competences` (`technicien_id`, `competence_id`);
-- create index "techniciencompetence_competence_id_niveau_rang" to table: "techniciens_competences"
CREATE INDEX `techniciencompetence_competence_id_niveau_rang` ON `techniciens_competences` (`competence_id`, `niveau_rang`);
PRAGMA foreign_key_check;
COMMIT;
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
