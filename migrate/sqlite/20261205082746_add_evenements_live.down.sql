-- reverse: create index "evenementlive_created_at" to table: "evenement_lives"
DROP INDEX `evenementlive_created_at`;
-- reverse: create index "evenementlive_notification_id" to table: "evenement_lives"
DROP INDEX `evenementlive_notification_id`;
-- reverse: set sequence for "evenement_lives" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "evenement_lives";
-- reverse: create "evenement_lives" table
DROP TABLE `evenement_lives`;
