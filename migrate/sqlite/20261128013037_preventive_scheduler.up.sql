BEGIN;
-- add column "date_debut" to table: "plannings"
ALTER TABLE `plannings` ADD COLUMN `date_debut` datetime NULL;
-- create "scheduler_runs" table
CREATE TABLE `scheduler_runs` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `declencheur` text NOT NULL, `started_at` datetime NOT NULL, `finished_at` datetime NOT NULL, `duration_ms` integer NOT NULL, `due` integer NOT NULL, `created` integer NOT NULL, `skipped` integer NOT NULL, `errors` integer NOT NULL, `error_detail` text NULL);
-- set sequence for "scheduler_runs" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("scheduler_runs", 60129542144);
-- create index "schedulerrun_created_at" to table: "scheduler_runs"
CREATE INDEX `schedulerrun_created_at` ON `scheduler_runs` (`created_at`);
-- create index "schedulerrun_started_at" to table: "scheduler_runs"
CREATE INDEX `schedulerrun_started_at` ON `scheduler_runs` (`started_at`);
COMMIT;
