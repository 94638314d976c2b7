-- reverse: modify "interventions" table
ALTER TABLE "interventions" DROP CONSTRAINT "interventions_competences_competence_requise", DROP COLUMN "competence_requise_id", DROP COLUMN "niveau_requis";
