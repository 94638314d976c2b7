-- reverse: create index "user_societe_id" to table: "users"
DROP INDEX "user_societe_id";
-- reverse: modify "users" table
ALTER TABLE "users" DROP CONSTRAINT "users_societes_users", DROP COLUMN "societe_id";
-- reverse: modify "societes" table
ALTER TABLE "societes" DROP COLUMN "actif", ADD COLUMN "user_id" bigint NULL;
-- reverse: create "contrat_equipements" table
DROP TABLE "contrat_equipements";
-- reverse: modify "contrats" table
ALTER TABLE "contrats" DROP COLUMN "sla_basse_heures", DROP COLUMN "sla_normale_heures", DROP COLUMN "sla_haute_heures", DROP COLUMN "sla_urgente_heures", DROP COLUMN "statut", ADD COLUMN "actif" boolean NOT NULL DEFAULT true;
