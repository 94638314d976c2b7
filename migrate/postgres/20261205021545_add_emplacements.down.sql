-- reverse: create index "equipement_emplacement_id" to table: "equipements"
DROP INDEX "equipement_emplacement_id";
-- reverse: modify "equipements" table
ALTER TABLE "equipements" DROP CONSTRAINT "equipements_emplacements_equipements", DROP COLUMN "emplacement_id";
-- reverse: create index "emplacements_code_key" to table: "emplacements"
DROP INDEX "emplacements_code_key";
-- reverse: create index "emplacement_parent_id" to table: "emplacements"
DROP INDEX "emplacement_parent_id";
-- reverse: create index "emplacement_nom" to table: "emplacements"
DROP INDEX "emplacement_nom";
-- reverse: create index "emplacement_created_at" to table: "emplacements"
DROP INDEX "emplacement_created_at";
-- reverse: create "emplacements" table
DROP TABLE "emplacements";
