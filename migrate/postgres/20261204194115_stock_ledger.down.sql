-- reverse: create index "mouvementstock_piece_id_id" to table: "mouvement_stocks"
DROP INDEX "mouvementstock_piece_id_id";
-- reverse: create index "mouvementstock_intervention_id_piece_id" to table: "mouvement_stocks"
DROP INDEX "mouvementstock_intervention_id_piece_id";
-- reverse: create index "mouvementstock_created_at" to table: "mouvement_stocks"
DROP INDEX "mouvementstock_created_at";
-- reverse: create "mouvement_stocks" table
DROP TABLE "mouvement_stocks";
-- reverse: modify "pieces" table
ALTER TABLE "pieces" DROP COLUMN "alerte_stock", DROP COLUMN "cout_moyen_centimes", DROP COLUMN "actif", DROP COLUMN "fournisseur", DROP COLUMN "quantite_reappro", DROP COLUMN "emplacement", DROP COLUMN "unite";
