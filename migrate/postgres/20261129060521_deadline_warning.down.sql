-- reverse: create index "intervention_echeance_a_signaler" to table: "interventions"
DROP INDEX "intervention_echeance_a_signaler";
-- reverse: modify "interventions" table
ALTER TABLE "interventions" DROP COLUMN "date_alerte_echeance";
