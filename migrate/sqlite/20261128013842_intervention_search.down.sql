-- reverse: add column "recherche" to table: "interventions"
ALTER TABLE `interventions` DROP COLUMN `recherche`;
