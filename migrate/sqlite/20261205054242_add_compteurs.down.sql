-- reverse: create index "relevecompteur_compteur_id_date_releve" to table: "releve_compteurs"
DROP INDEX `relevecompteur_compteur_id_date_releve`;
-- reverse: create index "relevecompteur_created_at" to table: "releve_compteurs"
DROP INDEX `relevecompteur_created_at`;
-- reverse: set sequence for "releve_compteurs" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "releve_compteurs";
-- reverse: create "releve_compteurs" table
DROP TABLE `releve_compteurs`;
-- reverse: create index "compteur_equipement_id" to table: "compteurs"
DROP INDEX `compteur_equipement_id`;
-- reverse: create index "compteur_created_at" to table: "compteurs"
DROP INDEX `compteur_created_at`;
-- reverse: set sequence for "compteurs" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "compteurs";
-- reverse: create "compteurs" table
DROP TABLE `compteurs`;
-- reverse: create index "planning_compteur_id" to table: "plannings"
DROP INDEX `planning_compteur_id`;
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
