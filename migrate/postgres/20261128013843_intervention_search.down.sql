-- reverse: modify "interventions" table
ALTER TABLE "interventions" DROP COLUMN "recherche";
