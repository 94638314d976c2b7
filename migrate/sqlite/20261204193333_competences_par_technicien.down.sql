-- reverse: create index "techniciencompetence_competence_id_niveau_rang" to table: "techniciens_competences"
DROP INDEX `techniciencompetence_competence_id_niveau_rang`;
-- reverse: create index "techniciencompetence_technicien_id_competence_id" to table: "techniciens_competences"
DROP INDEX `techniciencompetence_technicien_id_competence_id`;
-- reverse: create index "techniciencompetence_created_at" to table: "techniciens_competences"
DROP INDEX `techniciencompetence_created_at`;
-- reverse: set sequence for "techniciens_competences" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "techniciens_competences";
-- reverse: create "techniciens_competences" table
DROP TABLE `techniciens_competences`;
-- reverse: create index "competence_created_at" to table: "competences"
DROP INDEX `competence_created_at`;
-- reverse: create index "competences_nom_key" to table: "competences"
DROP INDEX `competences_nom_key`;
-- reverse: create "new_competences" table
DROP TABLE `new_competences`;
