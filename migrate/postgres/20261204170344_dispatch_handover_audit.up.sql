-- modify "interventions" table
ALTER TABLE "interventions" ADD COLUMN "date_limite_manuelle" boolean NOT NULL DEFAULT false, ADD COLUMN "commentaire_client" text NULL, ADD COLUMN "date_validation_client" timestamptz NULL;
-- modify "techniciens" table
ALTER TABLE "techniciens" ADD COLUMN "actif" boolean NOT NULL DEFAULT true;
-- modify "historique_interventions" table
ALTER TABLE "historique_interventions" ADD COLUMN "champ" character varying NULL, ADD COLUMN "ancienne_valeur" text NULL, ADD COLUMN "nouvelle_valeur" text NULL, ADD COLUMN "technicien_id" bigint NULL, ADD CONSTRAINT "historique_interventions_techniciens_historique" FOREIGN KEY ("technicien_id") REFERENCES "techniciens" ("id") ON UPDATE NO ACTION ON DELETE SET NULL;
-- create index "historiqueintervention_technicien_id_intervention_id" to table: "historique_interventions"
CREATE INDEX "historiqueintervention_technicien_id_intervention_id" ON "historique_interventions" ("technicien_id", "intervention_id");
-- Lines written before technicien_id existed: the current technician was in charge after
-- every line but the creation (internal/intervention: he keeps reading that work).
UPDATE historique_interventions SET technicien_id = (SELECT i.technicien_id FROM interventions i WHERE i.id = historique_interventions.intervention_id) WHERE nouveau_statut <> 'OUVERTE' AND technicien_id IS NULL;
-- A profile whose account is no longer an active TECHNICIEN takes no work.
UPDATE techniciens SET actif = false WHERE user_id IN (SELECT u.id FROM users u WHERE u.role <> 'TECHNICIEN' OR NOT u.is_active OR u.deleted_at IS NOT NULL);
-- A retired equipement's plannings produce no more work.
UPDATE plannings SET statut = 'SUSPENDU' WHERE statut = 'ACTIF' AND equipement_id IN (SELECT e.id FROM equipements e WHERE e.statut = 'RETIRE');
