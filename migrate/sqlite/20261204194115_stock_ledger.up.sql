-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
BEGIN;
-- create "new_pieces" table
CREATE TABLE `new_pieces` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `reference` text NOT NULL, `designation` text NOT NULL, `quantite` integer NOT NULL DEFAULT (0), `seuil_alerte` integer NOT NULL DEFAULT (0), `prix_unitaire_centimes` integer NOT NULL DEFAULT (0), `unite` text NOT NULL DEFAULT ('pièce'), `emplacement` text NULL, `quantite_reappro` integer NOT NULL DEFAULT (0), `fournisseur` text NULL, `actif` bool NOT NULL DEFAULT (true), `cout_moyen_centimes` integer NOT NULL DEFAULT (0), `alerte_stock` bool NOT NULL DEFAULT (false));
-- set sequence for "new_pieces" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_pieces", 34359738368);
-- copy rows from old table "pieces" to new temporary table "new_pieces"
INSERT INTO `new_pieces` (`id`, `created_at`, `updated_at`, `reference`, `designation`, `quantite`, `seuil_alerte`, `prix_unitaire_centimes`) SELECT `id`, `created_at`, `updated_at`, `reference`, `designation`, `quantite`, `seuil_alerte`, `prix_unitaire_centimes` FROM `pieces`;
-- drop "pieces" table after copying rows
DROP TABLE `pieces`;
-- rename temporary table "new_pieces" to "pieces"
ALTER TABLE `new_pieces` RENAME TO `pieces`;
-- create index "pieces_reference_key" to table: "pieces"
CREATE UNIQUE INDEX `pieces_reference_key` ON `pieces` (`reference`);
-- create index "piece_created_at" to table: "pieces"
CREATE INDEX `piece_created_at` ON `pieces` (`created_at`);
-- create "mouvement_stocks" table
CREATE TABLE `mouvement_stocks` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `type` text NOT NULL, `quantite` integer NOT NULL, `quantite_apres` integer NOT NULL, `cout_unitaire_centimes` integer NOT NULL, `motif` text NULL, `intervention_id` integer NULL, `user_id` integer NULL, `piece_id` integer NOT NULL, CONSTRAINT `mouvement_stocks_interventions_intervention` FOREIGN KEY (`intervention_id`) REFERENCES `interventions` (`id`) ON DELETE SET NULL, CONSTRAINT `mouvement_stocks_users_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE SET NULL, CONSTRAINT `mouvement_stocks_pieces_mouvements` FOREIGN KEY (`piece_id`) REFERENCES `pieces` (`id`) ON DELETE NO ACTION);
-- set sequence for "mouvement_stocks" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("mouvement_stocks", 68719476736);
-- create index "mouvementstock_created_at" to table: "mouvement_stocks"
CREATE INDEX `mouvementstock_created_at` ON `mouvement_stocks` (`created_at`);
-- create index "mouvementstock_piece_id_id" to table: "mouvement_stocks"
CREATE INDEX `mouvementstock_piece_id_id` ON `mouvement_stocks` (`piece_id`, `id`);
-- create index "mouvementstock_intervention_id_piece_id" to table: "mouvement_stocks"
CREATE INDEX `mouvementstock_intervention_id_piece_id` ON `mouvement_stocks` (`intervention_id`, `piece_id`);
-- backfill: the stock on hand becomes the ledger's opening line, valued at the part's price
-- (the best cost known before the ledger); parts already below their threshold were alerted
UPDATE `pieces` SET `cout_moyen_centimes` = `prix_unitaire_centimes`, `alerte_stock` = (`quantite` < `seuil_alerte`);
INSERT INTO `mouvement_stocks` (`created_at`, `updated_at`, `type`, `quantite`, `quantite_apres`, `cout_unitaire_centimes`, `motif`, `piece_id`)
SELECT strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'), strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'), 'ENTREE', `quantite`, `quantite`, `prix_unitaire_centimes`, 'stock d''ouverture', `id` FROM `pieces` WHERE `quantite` > 0 ORDER BY `id`;
PRAGMA foreign_key_check;
COMMIT;
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
