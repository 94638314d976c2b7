-- Outside the ent schema: the rollup of maintenanceStats (internal/stats/rollup.go,
-- docs/stats.md): per equipment and local month, the sums the figures' statement computes
-- (statuses and types as their rank in the schema's enums, plus one), and which equipment's
-- sums are current. The triggers only say which equipment changed: the sums themselves are
-- written by the server with the statement that computes the figures, their one home.
CREATE TABLE "stats_cellules" ("equipement_id" bigint NOT NULL, "mois" integer NOT NULL, "kind" smallint NOT NULL, "l1" smallint NOT NULL, "l2" smallint NOT NULL, "n" integer NOT NULL, "x" double precision NOT NULL, "y" double precision NOT NULL);
CREATE INDEX "stats_cellules_equipement_id" ON "stats_cellules" ("equipement_id");
-- The cells of every equipment that has a state, added up by month: what a read by month
-- starts from, less the cells of the equipment out of date.
CREATE TABLE "stats_totaux" ("mois" integer NOT NULL, "kind" smallint NOT NULL, "l1" smallint NOT NULL, "l2" smallint NOT NULL, "n" integer NOT NULL, "x" double precision NOT NULL, "y" double precision NOT NULL, PRIMARY KEY ("mois", "kind", "l1", "l2"));
CREATE TABLE "stats_etats" ("equipement_id" bigint NOT NULL PRIMARY KEY, "version" text NOT NULL, "depuis" double precision NOT NULL, "jusqua" double precision NOT NULL);
CREATE TABLE "stats_modifs" ("id" bigserial NOT NULL PRIMARY KEY, "equipement_id" bigint NOT NULL);
CREATE INDEX "stats_modifs_equipement_id" ON "stats_modifs" ("equipement_id");
-- Statement triggers with transition tables: a bulk insert of 100,000 interventions writes
-- one line per equipment, not per row. Every writer goes through them: the API, the seed,
-- the facts' UPDATE and the foreign keys' SET NULL.
CREATE FUNCTION "stats_marquer_nouvelles"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "stats_modifs" ("equipement_id") SELECT DISTINCT "equipement_id" FROM "nouvelles" WHERE "equipement_id" IS NOT NULL;
  RETURN NULL;
END $$;
CREATE FUNCTION "stats_marquer_anciennes"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "stats_modifs" ("equipement_id") SELECT DISTINCT "equipement_id" FROM "anciennes" WHERE "equipement_id" IS NOT NULL;
  RETURN NULL;
END $$;
CREATE FUNCTION "stats_marquer_modifiees"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "stats_modifs" ("equipement_id")
    SELECT "equipement_id" FROM "anciennes" WHERE "equipement_id" IS NOT NULL
    UNION SELECT "equipement_id" FROM "nouvelles" WHERE "equipement_id" IS NOT NULL;
  RETURN NULL;
END $$;
CREATE FUNCTION "stats_tout_invalider"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "stats_etats";
  DELETE FROM "stats_cellules";
  DELETE FROM "stats_totaux";
  RETURN NULL;
END $$;
CREATE TRIGGER "interventions_stats_insert" AFTER INSERT ON "interventions" REFERENCING NEW TABLE AS "nouvelles" FOR EACH STATEMENT EXECUTE FUNCTION "stats_marquer_nouvelles"();
CREATE TRIGGER "interventions_stats_update" AFTER UPDATE ON "interventions" REFERENCING OLD TABLE AS "anciennes" NEW TABLE AS "nouvelles" FOR EACH STATEMENT EXECUTE FUNCTION "stats_marquer_modifiees"();
CREATE TRIGGER "interventions_stats_delete" AFTER DELETE ON "interventions" REFERENCING OLD TABLE AS "anciennes" FOR EACH STATEMENT EXECUTE FUNCTION "stats_marquer_anciennes"();
CREATE TRIGGER "interventions_stats_truncate" AFTER TRUNCATE ON "interventions" FOR EACH STATEMENT EXECUTE FUNCTION "stats_tout_invalider"();
