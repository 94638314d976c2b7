BEGIN;
-- create "evenement_lives" table
CREATE TABLE `evenement_lives` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `payload` text NOT NULL, `notification_id` integer NULL, `created_at` datetime NOT NULL);
-- set sequence for "evenement_lives" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("evenement_lives", 120259084288);
-- create index "evenementlive_notification_id" to table: "evenement_lives"
CREATE INDEX `evenementlive_notification_id` ON `evenement_lives` (`notification_id`);
-- create index "evenementlive_created_at" to table: "evenement_lives"
CREATE INDEX `evenementlive_created_at` ON `evenement_lives` (`created_at`);
COMMIT;
