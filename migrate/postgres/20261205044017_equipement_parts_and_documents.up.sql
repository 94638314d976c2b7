-- modify "equipements" table
ALTER TABLE "equipements" ADD COLUMN "parent_id" bigint NULL, ADD CONSTRAINT "equipements_equipements_enfants" FOREIGN KEY ("parent_id") REFERENCES "equipements" ("id") ON UPDATE NO ACTION ON DELETE SET NULL;
-- create index "equipement_parent_id" to table: "equipements"
CREATE INDEX "equipement_parent_id" ON "equipements" ("parent_id");
-- modify "documents" table
ALTER TABLE "documents" ADD COLUMN "categorie" character varying NULL, ADD COLUMN "equipement_id" bigint NULL, ADD CONSTRAINT "documents_equipements_documents" FOREIGN KEY ("equipement_id") REFERENCES "equipements" ("id") ON UPDATE NO ACTION ON DELETE SET NULL;
-- create index "document_equipement_id" to table: "documents"
CREATE INDEX "document_equipement_id" ON "documents" ("equipement_id");
-- a file may belong to an equipement alone (the schema's check, which the diff leaves as it was)
ALTER TABLE "documents" DROP CONSTRAINT "document_rattache", ADD CONSTRAINT "document_rattache" CHECK ((intervention_id IS NOT NULL) OR (demande_id IS NOT NULL) OR (equipement_id IS NOT NULL));
