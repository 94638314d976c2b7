-- modify "commentaires" table
ALTER TABLE "commentaires" DROP CONSTRAINT "commentaires_interventions_commentaires", ADD CONSTRAINT "commentaire_un_fil" CHECK ((intervention_id IS NULL) <> (demande_id IS NULL)), ALTER COLUMN "intervention_id" DROP NOT NULL, ADD COLUMN "demande_id" bigint NULL, ADD CONSTRAINT "commentaires_interventions_commentaires" FOREIGN KEY ("intervention_id") REFERENCES "interventions" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, ADD CONSTRAINT "commentaires_demande_interventions_commentaires" FOREIGN KEY ("demande_id") REFERENCES "demande_interventions" ("id") ON UPDATE NO ACTION ON DELETE SET NULL;
-- create index "commentaire_demande_id_id" to table: "commentaires"
CREATE INDEX "commentaire_demande_id_id" ON "commentaires" ("demande_id", "id");
-- modify "documents" table
ALTER TABLE "documents" DROP CONSTRAINT "documents_interventions_documents", ADD CONSTRAINT "document_rattache" CHECK ((intervention_id IS NOT NULL) OR (demande_id IS NOT NULL)), ALTER COLUMN "intervention_id" DROP NOT NULL, ADD COLUMN "demande_id" bigint NULL, ADD CONSTRAINT "documents_interventions_documents" FOREIGN KEY ("intervention_id") REFERENCES "interventions" ("id") ON UPDATE NO ACTION ON DELETE SET NULL, ADD CONSTRAINT "documents_demande_interventions_documents" FOREIGN KEY ("demande_id") REFERENCES "demande_interventions" ("id") ON UPDATE NO ACTION ON DELETE SET NULL;
-- create index "document_demande_id" to table: "documents"
CREATE INDEX "document_demande_id" ON "documents" ("demande_id");
