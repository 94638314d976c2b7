-- modify "interventions" table
ALTER TABLE "interventions" ADD COLUMN "date_alerte_echeance" timestamptz NULL;
-- interventions already warned of their deadline (a RETARD notification) are not warned again
UPDATE "interventions" AS i SET "date_alerte_echeance" = n."envoi"
  FROM (SELECT "intervention_id", min("created_at") AS "envoi" FROM "notifications"
        WHERE "type" = 'RETARD' AND "intervention_id" IS NOT NULL GROUP BY "intervention_id") AS n
  WHERE n."intervention_id" = i."id";
-- create index "intervention_echeance_a_signaler" to table: "interventions"
CREATE INDEX "intervention_echeance_a_signaler" ON "interventions" ("date_alerte_echeance", "statut", "date_limite");
