-- reverse: create index "schedulerrun_started_at" to table: "scheduler_runs"
DROP INDEX "schedulerrun_started_at";
-- reverse: create index "schedulerrun_created_at" to table: "scheduler_runs"
DROP INDEX "schedulerrun_created_at";
-- reverse: create "scheduler_runs" table
DROP TABLE "scheduler_runs";
-- reverse: modify "plannings" table
ALTER TABLE "plannings" DROP COLUMN "date_debut";
