-- reverse: create index "planning_technicien_id" to table: "plannings"
DROP INDEX `planning_technicien_id`;
-- reverse: create index "planning_equipement_id" to table: "plannings"
DROP INDEX `planning_equipement_id`;
-- reverse: create index "planning_statut_prochaine_date" to table: "plannings"
DROP INDEX `planning_statut_prochaine_date`;
-- reverse: create index "planning_statut_rang_id_desc" to table: "plannings"
DROP INDEX `planning_statut_rang_id_desc`;
-- reverse: create index "planning_statut_rang_id" to table: "plannings"
DROP INDEX `planning_statut_rang_id`;
-- reverse: create index "planning_frequence_rang_id_desc" to table: "plannings"
DROP INDEX `planning_frequence_rang_id_desc`;
-- reverse: create index "planning_frequence_rang_id" to table: "plannings"
DROP INDEX `planning_frequence_rang_id`;
-- reverse: create index "planning_priorite_rang_id_desc" to table: "plannings"
DROP INDEX `planning_priorite_rang_id_desc`;
-- reverse: create index "planning_priorite_rang_id" to table: "plannings"
DROP INDEX `planning_priorite_rang_id`;
-- reverse: create index "planning_created_at" to table: "plannings"
DROP INDEX `planning_created_at`;
-- reverse: set sequence for "new_plannings" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_plannings";
-- reverse: create "new_plannings" table
DROP TABLE `new_plannings`;
