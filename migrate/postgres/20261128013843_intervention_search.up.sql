-- modify "interventions" table
ALTER TABLE "interventions" ADD COLUMN "recherche" text NULL;
-- fill it for existing rows (accents stay until the row is next saved; the application writes the full form)
UPDATE "interventions" SET "recherche" = lower(trim("titre" || ' ' || coalesce("description", '')));
