-- reverse: create index "document_demande_id" to table: "documents"
DROP INDEX "document_demande_id";
-- reverse: modify "documents" table
ALTER TABLE "documents" DROP CONSTRAINT "documents_demande_interventions_documents", DROP CONSTRAINT "documents_interventions_documents", DROP COLUMN "demande_id", ALTER COLUMN "intervention_id" SET NOT NULL, DROP CONSTRAINT "document_rattache", ADD CONSTRAINT "documents_interventions_documents" FOREIGN KEY ("intervention_id") REFERENCES "interventions" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION;
-- reverse: create index "commentaire_demande_id_id" to table: "commentaires"
DROP INDEX "commentaire_demande_id_id";
-- reverse: modify "commentaires" table
ALTER TABLE "commentaires" DROP CONSTRAINT "commentaires_demande_interventions_commentaires", DROP CONSTRAINT "commentaires_interventions_commentaires", DROP COLUMN "demande_id", ALTER COLUMN "intervention_id" SET NOT NULL, DROP CONSTRAINT "commentaire_un_fil", ADD CONSTRAINT "commentaires_interventions_commentaires" FOREIGN KEY ("intervention_id") REFERENCES "interventions" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION;
