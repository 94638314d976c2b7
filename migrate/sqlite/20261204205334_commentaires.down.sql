-- reverse: create index "commentaire_auteur_id" to table: "commentaires"
DROP INDEX `commentaire_auteur_id`;
-- reverse: create index "commentaire_intervention_id_id" to table: "commentaires"
DROP INDEX `commentaire_intervention_id_id`;
-- reverse: create index "commentaire_created_at" to table: "commentaires"
DROP INDEX `commentaire_created_at`;
-- reverse: set sequence for "commentaires" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "commentaires";
-- reverse: create "commentaires" table
DROP TABLE `commentaires`;
