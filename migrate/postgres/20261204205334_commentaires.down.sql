-- reverse: create index "commentaire_intervention_id_id" to table: "commentaires"
DROP INDEX "commentaire_intervention_id_id";
-- reverse: create index "commentaire_created_at" to table: "commentaires"
DROP INDEX "commentaire_created_at";
-- reverse: create index "commentaire_auteur_id" to table: "commentaires"
DROP INDEX "commentaire_auteur_id";
-- reverse: create "commentaires" table
DROP TABLE "commentaires";
