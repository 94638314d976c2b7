-- modify "interventions" table
ALTER TABLE "interventions" ADD COLUMN "niveau_requis" character varying NULL, ADD COLUMN "competence_requise_id" bigint NULL, ADD CONSTRAINT "interventions_competences_competence_requise" FOREIGN KEY ("competence_requise_id") REFERENCES "competences" ("id") ON UPDATE NO ACTION ON DELETE SET NULL;
