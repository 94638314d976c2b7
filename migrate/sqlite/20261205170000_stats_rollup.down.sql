DROP TRIGGER `interventions_stats_delete`;
DROP TRIGGER `interventions_stats_update`;
DROP TRIGGER `interventions_stats_insert`;
DROP TABLE `stats_modifs`;
DROP TABLE `stats_etats`;
DROP TABLE `stats_totaux`;
DROP TABLE `stats_cellules`;
