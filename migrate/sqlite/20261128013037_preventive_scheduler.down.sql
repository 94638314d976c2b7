-- reverse: create index "schedulerrun_started_at" to table: "scheduler_runs"
DROP INDEX `schedulerrun_started_at`;
-- reverse: create index "schedulerrun_created_at" to table: "scheduler_runs"
DROP INDEX `schedulerrun_created_at`;
-- reverse: set sequence for "scheduler_runs" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "scheduler_runs";
-- reverse: create "scheduler_runs" table
DROP TABLE `scheduler_runs`;
-- reverse: add column "date_debut" to table: "plannings"
ALTER TABLE `plannings` DROP COLUMN `date_debut`;
