-- reverse: create index "emplacement_nom" to table: "emplacements"
DROP INDEX `emplacement_nom`;
-- reverse: create index "emplacement_parent_id" to table: "emplacements"
DROP INDEX `emplacement_parent_id`;
-- reverse: create index "emplacement_created_at" to table: "emplacements"
DROP INDEX `emplacement_created_at`;
-- reverse: create index "emplacements_code_key" to table: "emplacements"
DROP INDEX `emplacements_code_key`;
-- reverse: set sequence for "emplacements" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "emplacements";
-- reverse: create "emplacements" table
DROP TABLE `emplacements`;
-- reverse: create index "equipement_emplacement_id" to table: "equipements"
DROP INDEX `equipement_emplacement_id`;
-- reverse: create index "equipement_nom" to table: "equipements"
DROP INDEX `equipement_nom`;
-- reverse: create index "equipement_client_id" to table: "equipements"
DROP INDEX `equipement_client_id`;
-- reverse: create index "equipement_statut_criticite" to table: "equipements"
DROP INDEX `equipement_statut_criticite`;
-- reverse: create index "equipement_criticite_rang_id_desc" to table: "equipements"
DROP INDEX `equipement_criticite_rang_id_desc`;
-- reverse: create index "equipement_criticite_rang_id" to table: "equipements"
DROP INDEX `equipement_criticite_rang_id`;
-- reverse: create index "equipement_statut_rang_id_desc" to table: "equipements"
DROP INDEX `equipement_statut_rang_id_desc`;
-- reverse: create index "equipement_statut_rang_id" to table: "equipements"
DROP INDEX `equipement_statut_rang_id`;
-- reverse: create index "equipement_created_at" to table: "equipements"
DROP INDEX `equipement_created_at`;
-- reverse: create index "equipements_code_key" to table: "equipements"
DROP INDEX `equipements_code_key`;
-- reverse: set sequence for "new_equipements" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_equipements";
-- reverse: create "new_equipements" table
DROP TABLE `new_equipements`;
