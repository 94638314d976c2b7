-- modify "competences" table
ALTER TABLE "competences" ADD COLUMN "niveau_rang" bigint NOT NULL DEFAULT 0;
-- rank the rows written before the rank columns, as internal/domain/rank.go does (TestRankBackfill)
UPDATE "competences" SET "niveau_rang" = CASE "niveau" WHEN 'DEBUTANT' THEN 1 WHEN 'INTERMEDIAIRE' THEN 2 WHEN 'AVANCE' THEN 3 WHEN 'EXPERT' THEN 4 ELSE 0 END;
-- modify "equipements" table
ALTER TABLE "equipements" ADD COLUMN "statut_rang" bigint NOT NULL DEFAULT 0, ADD COLUMN "criticite_rang" bigint NOT NULL DEFAULT 0;
-- rank the rows written before the rank columns, as internal/domain/rank.go does (TestRankBackfill)
UPDATE "equipements" SET "statut_rang" = CASE "statut" WHEN 'OPERATIONNEL' THEN 1 WHEN 'MAINTENANCE' THEN 2 WHEN 'PANNE' THEN 3 WHEN 'RETIRE' THEN 4 ELSE 0 END,
  "criticite_rang" = CASE "criticite" WHEN 'NON_CRITIQUE' THEN 1 WHEN 'STANDARD' THEN 2 WHEN 'IMPORTANT' THEN 3 WHEN 'CRITIQUE' THEN 4 ELSE 0 END;
-- create index "equipement_criticite_rang_id" to table: "equipements"
CREATE INDEX "equipement_criticite_rang_id" ON "equipements" ("criticite_rang", "id");
-- create index "equipement_criticite_rang_id_desc" to table: "equipements"
CREATE INDEX "equipement_criticite_rang_id_desc" ON "equipements" ("criticite_rang", "id" DESC);
-- create index "equipement_statut_rang_id" to table: "equipements"
CREATE INDEX "equipement_statut_rang_id" ON "equipements" ("statut_rang", "id");
-- create index "equipement_statut_rang_id_desc" to table: "equipements"
CREATE INDEX "equipement_statut_rang_id_desc" ON "equipements" ("statut_rang", "id" DESC);
-- modify "historique_interventions" table
ALTER TABLE "historique_interventions" ADD COLUMN "nouveau_statut_rang" bigint NOT NULL DEFAULT 0;
-- rank the rows written before the rank columns, as internal/domain/rank.go does (TestRankBackfill)
UPDATE "historique_interventions" SET "nouveau_statut_rang" = CASE "nouveau_statut" WHEN 'OUVERTE' THEN 1 WHEN 'AFFECTEE' THEN 2 WHEN 'EN_COURS' THEN 3 WHEN 'EN_ATTENTE' THEN 4 WHEN 'CLOTUREE' THEN 5 WHEN 'ANNULEE' THEN 6 WHEN 'ARCHIVEE' THEN 7 ELSE 0 END;
-- modify "interventions" table
ALTER TABLE "interventions" ADD COLUMN "statut_rang" bigint NOT NULL DEFAULT 0, ADD COLUMN "priorite_rang" bigint NOT NULL DEFAULT 0;
-- rank the rows written before the rank columns, as internal/domain/rank.go does (TestRankBackfill)
UPDATE "interventions" SET "statut_rang" = CASE "statut" WHEN 'OUVERTE' THEN 1 WHEN 'AFFECTEE' THEN 2 WHEN 'EN_COURS' THEN 3 WHEN 'EN_ATTENTE' THEN 4 WHEN 'CLOTUREE' THEN 5 WHEN 'ANNULEE' THEN 6 WHEN 'ARCHIVEE' THEN 7 ELSE 0 END,
  "priorite_rang" = CASE "priorite" WHEN 'PROGRAMMEE' THEN 1 WHEN 'BASSE' THEN 2 WHEN 'NORMALE' THEN 3 WHEN 'HAUTE' THEN 4 WHEN 'URGENTE' THEN 5 ELSE 0 END;
-- create index "intervention_priorite_rang_id" to table: "interventions"
CREATE INDEX "intervention_priorite_rang_id" ON "interventions" ("priorite_rang", "id");
-- create index "intervention_priorite_rang_id_desc" to table: "interventions"
CREATE INDEX "intervention_priorite_rang_id_desc" ON "interventions" ("priorite_rang", "id" DESC);
-- create index "intervention_statut_rang_id" to table: "interventions"
CREATE INDEX "intervention_statut_rang_id" ON "interventions" ("statut_rang", "id");
-- create index "intervention_statut_rang_id_desc" to table: "interventions"
CREATE INDEX "intervention_statut_rang_id_desc" ON "interventions" ("statut_rang", "id" DESC);
-- modify "plannings" table
ALTER TABLE "plannings" ADD COLUMN "priorite_rang" bigint NOT NULL DEFAULT 0, ADD COLUMN "frequence_rang" bigint NOT NULL DEFAULT 0, ADD COLUMN "statut_rang" bigint NOT NULL DEFAULT 0;
-- rank the rows written before the rank columns, as internal/domain/rank.go does (TestRankBackfill)
UPDATE "plannings" SET "priorite_rang" = CASE "priorite" WHEN 'PROGRAMMEE' THEN 1 WHEN 'BASSE' THEN 2 WHEN 'NORMALE' THEN 3 WHEN 'HAUTE' THEN 4 WHEN 'URGENTE' THEN 5 ELSE 0 END,
  "frequence_rang" = CASE "frequence" WHEN 'JOURNALIER' THEN 1 WHEN 'HEBDOMADAIRE' THEN 2 WHEN 'MENSUEL' THEN 3 WHEN 'TRIMESTRIEL' THEN 4 WHEN 'SEMESTRIEL' THEN 5 WHEN 'ANNUEL' THEN 6 ELSE 0 END,
  "statut_rang" = CASE "statut" WHEN 'ACTIF' THEN 1 WHEN 'SUSPENDU' THEN 2 WHEN 'TERMINE' THEN 3 ELSE 0 END;
-- create index "planning_frequence_rang_id" to table: "plannings"
CREATE INDEX "planning_frequence_rang_id" ON "plannings" ("frequence_rang", "id");
-- create index "planning_frequence_rang_id_desc" to table: "plannings"
CREATE INDEX "planning_frequence_rang_id_desc" ON "plannings" ("frequence_rang", "id" DESC);
-- create index "planning_priorite_rang_id" to table: "plannings"
CREATE INDEX "planning_priorite_rang_id" ON "plannings" ("priorite_rang", "id");
-- create index "planning_priorite_rang_id_desc" to table: "plannings"
CREATE INDEX "planning_priorite_rang_id_desc" ON "plannings" ("priorite_rang", "id" DESC);
-- create index "planning_statut_rang_id" to table: "plannings"
CREATE INDEX "planning_statut_rang_id" ON "plannings" ("statut_rang", "id");
-- create index "planning_statut_rang_id_desc" to table: "plannings"
CREATE INDEX "planning_statut_rang_id_desc" ON "plannings" ("statut_rang", "id" DESC);
