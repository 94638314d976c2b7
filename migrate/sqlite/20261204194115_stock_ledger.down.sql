-- reverse: create index "mouvementstock_intervention_id_piece_id" to table: "mouvement_stocks"
DROP INDEX `mouvementstock_intervention_id_piece_id`;
-- reverse: create index "mouvementstock_piece_id_id" to table: "mouvement_stocks"
DROP INDEX `mouvementstock_piece_id_id`;
-- reverse: create index "mouvementstock_created_at" to table: "mouvement_stocks"
DROP INDEX `mouvementstock_created_at`;
-- reverse: set sequence for "mouvement_stocks" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "mouvement_stocks";
-- reverse: create "mouvement_stocks" table
DROP TABLE `mouvement_stocks`;
-- reverse: create index "piece_created_at" to table: "pieces"
DROP INDEX `piece_created_at`;
-- reverse: create index "pieces_reference_key" to table: "pieces"
DROP INDEX `pieces_reference_key`;
-- reverse: set sequence for "new_pieces" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_pieces";
-- reverse: create "new_pieces" table
DROP TABLE `new_pieces`;
