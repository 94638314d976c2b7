-- atlas:delimiter -- end

BEGIN;
-- end
-- Outside the ent schema: the rollup of maintenanceStats (internal/stats/rollup.go,
-- docs/stats.md): per equipment and local month, the sums the figures' statement computes
-- (statuses and types as their rank in the schema's enums, plus one), and which equipment's
-- sums are current. The triggers only say which equipment changed: the sums themselves are
-- written by the server with the statement that computes the figures, their one home.
-- A migration that rebuilds "interventions" drops its triggers: it must create them again
-- (TestStatsTriggers fails until it does).
CREATE TABLE `stats_cellules` (`equipement_id` integer NOT NULL, `mois` integer NOT NULL, `kind` integer NOT NULL, `l1` integer NOT NULL, `l2` integer NOT NULL, `n` integer NOT NULL, `x` real NOT NULL, `y` real NOT NULL);
-- end
CREATE INDEX `stats_cellules_equipement_id` ON `stats_cellules` (`equipement_id`);
-- end
CREATE TABLE `stats_totaux` (`mois` integer NOT NULL, `kind` integer NOT NULL, `l1` integer NOT NULL, `l2` integer NOT NULL, `n` integer NOT NULL, `x` real NOT NULL, `y` real NOT NULL, PRIMARY KEY (`mois`, `kind`, `l1`, `l2`));
-- end
CREATE TABLE `stats_etats` (`equipement_id` integer NOT NULL PRIMARY KEY, `version` text NOT NULL, `depuis` real NOT NULL, `jusqua` real NOT NULL);
-- end
CREATE TABLE `stats_modifs` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `equipement_id` integer NOT NULL);
-- end
CREATE INDEX `stats_modifs_equipement_id` ON `stats_modifs` (`equipement_id`);
-- end
CREATE TRIGGER `interventions_stats_insert` AFTER INSERT ON `interventions` WHEN NEW.`equipement_id` IS NOT NULL
BEGIN
  INSERT INTO `stats_modifs` (`equipement_id`) VALUES (NEW.`equipement_id`);
END;
-- end
CREATE TRIGGER `interventions_stats_update` AFTER UPDATE ON `interventions`
BEGIN
  INSERT INTO `stats_modifs` (`equipement_id`) SELECT OLD.`equipement_id` WHERE OLD.`equipement_id` IS NOT NULL;
  INSERT INTO `stats_modifs` (`equipement_id`) SELECT NEW.`equipement_id` WHERE NEW.`equipement_id` IS NOT NULL AND NEW.`equipement_id` IS NOT OLD.`equipement_id`;
END;
-- end
CREATE TRIGGER `interventions_stats_delete` AFTER DELETE ON `interventions` WHEN OLD.`equipement_id` IS NOT NULL
BEGIN
  INSERT INTO `stats_modifs` (`equipement_id`) VALUES (OLD.`equipement_id`);
END;
-- end
COMMIT;
-- end
