-- modify "contrats" table: the status replaces the flag (an active contract stays ACTIF, an inactive one is EXPIRE once past its end, SUSPENDU otherwise)
ALTER TABLE "contrats" ADD COLUMN "statut" character varying NOT NULL DEFAULT 'ACTIF', ADD COLUMN "sla_urgente_heures" bigint NULL, ADD COLUMN "sla_haute_heures" bigint NULL, ADD COLUMN "sla_normale_heures" bigint NULL, ADD COLUMN "sla_basse_heures" bigint NULL;
UPDATE "contrats" SET "statut" = CASE WHEN "actif" THEN 'ACTIF' WHEN "date_fin" < now() THEN 'EXPIRE' ELSE 'SUSPENDU' END;
ALTER TABLE "contrats" DROP COLUMN "actif";
-- create "contrat_equipements" table
CREATE TABLE "contrat_equipements" ("contrat_id" bigint NOT NULL, "equipement_id" bigint NOT NULL, PRIMARY KEY ("contrat_id", "equipement_id"), CONSTRAINT "contrat_equipements_contrat_id" FOREIGN KEY ("contrat_id") REFERENCES "contrats" ("id") ON UPDATE NO ACTION ON DELETE CASCADE, CONSTRAINT "contrat_equipements_equipement_id" FOREIGN KEY ("equipement_id") REFERENCES "equipements" ("id") ON UPDATE NO ACTION ON DELETE CASCADE);
-- modify "users" table: the company link moves to the user's side, each company's user carried over
ALTER TABLE "users" ADD COLUMN "societe_id" bigint NULL, ADD CONSTRAINT "users_societes_users" FOREIGN KEY ("societe_id") REFERENCES "societes" ("id") ON UPDATE NO ACTION ON DELETE SET NULL;
UPDATE "users" SET "societe_id" = "s"."id" FROM "societes" AS "s" WHERE "s"."user_id" = "users"."id";
-- modify "societes" table
ALTER TABLE "societes" DROP COLUMN "user_id", ADD COLUMN "actif" boolean NOT NULL DEFAULT true;
-- create index "user_societe_id" to table: "users"
CREATE INDEX "user_societe_id" ON "users" ("societe_id");
