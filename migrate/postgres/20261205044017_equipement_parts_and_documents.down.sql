-- equipment's own files cannot stay under the older check
DELETE FROM "documents" WHERE "intervention_id" IS NULL AND "demande_id" IS NULL;
ALTER TABLE "documents" DROP CONSTRAINT "document_rattache", ADD CONSTRAINT "document_rattache" CHECK ((intervention_id IS NOT NULL) OR (demande_id IS NOT NULL));
-- reverse: create index "document_equipement_id" to table: "documents"
DROP INDEX "document_equipement_id";
-- reverse: modify "documents" table
ALTER TABLE "documents" DROP CONSTRAINT "documents_equipements_documents", DROP COLUMN "equipement_id", DROP COLUMN "categorie";
-- reverse: create index "equipement_parent_id" to table: "equipements"
DROP INDEX "equipement_parent_id";
-- reverse: modify "equipements" table
ALTER TABLE "equipements" DROP CONSTRAINT "equipements_equipements_enfants", DROP COLUMN "parent_id";
