-- modify "interventions" table
ALTER TABLE "interventions" ADD COLUMN "date_annulation" timestamptz NULL, ADD COLUMN "premiere_fois" boolean NOT NULL DEFAULT true, ADD COLUMN "main_oeuvre_minutes_taux" bigint NOT NULL DEFAULT 0, ADD COLUMN "pieces_centimes" bigint NOT NULL DEFAULT 0;
-- fill the facts from the rows they come from (internal/facts keeps them from now on)
UPDATE "interventions" SET
  "date_annulation" = (SELECT MIN(h."horodatage") FROM "historique_interventions" h WHERE h."intervention_id" = "interventions"."id" AND h."nouveau_statut" = 'ANNULEE'),
  "premiere_fois" = NOT EXISTS (SELECT 1 FROM "historique_interventions" h WHERE h."intervention_id" = "interventions"."id"
    AND (h."nouveau_statut" = 'EN_ATTENTE' OR (h."technicien_id" IS NOT NULL AND ("interventions"."technicien_id" IS NULL OR h."technicien_id" <> "interventions"."technicien_id")))),
  "main_oeuvre_minutes_taux" = COALESCE((SELECT SUM(CAST(x."duree_minutes" AS BIGINT) * x."taux_horaire_centimes") FROM "temps_passes" x WHERE x."intervention_id" = "interventions"."id" AND x."duree_minutes" IS NOT NULL), 0),
  "pieces_centimes" = COALESCE((SELECT SUM(CAST(x."quantite" AS BIGINT) * x."prix_unitaire_centimes") FROM "intervention_pieces" x WHERE x."intervention_id" = "interventions"."id"), 0);
