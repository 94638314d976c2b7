-- reverse: create index "evenementlive_notification_id" to table: "evenement_lives"
DROP INDEX "evenementlive_notification_id";
-- reverse: create index "evenementlive_created_at" to table: "evenement_lives"
DROP INDEX "evenementlive_created_at";
-- reverse: create "evenement_lives" table
DROP TABLE "evenement_lives";
