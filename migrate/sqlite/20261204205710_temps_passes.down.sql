-- reverse: create index "temps_passe_en_cours" to table: "temps_passes"
DROP INDEX `temps_passe_en_cours`;
-- reverse: create index "tempspasse_technicien_id_debut" to table: "temps_passes"
DROP INDEX `tempspasse_technicien_id_debut`;
-- reverse: create index "tempspasse_intervention_id_debut" to table: "temps_passes"
DROP INDEX `tempspasse_intervention_id_debut`;
-- reverse: create index "tempspasse_created_at" to table: "temps_passes"
DROP INDEX `tempspasse_created_at`;
-- reverse: set sequence for "temps_passes" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "temps_passes";
-- reverse: create "temps_passes" table
DROP TABLE `temps_passes`;
