-- reverse: modify "competences" table; a skill takes the highest level among its holders
ALTER TABLE "competences" ADD COLUMN "niveau_rang" bigint NOT NULL DEFAULT 0, ADD COLUMN "niveau" character varying NOT NULL DEFAULT 'INTERMEDIAIRE';
UPDATE "competences" c SET "niveau_rang" = m."rang", "niveau" = CASE m."rang" WHEN 1 THEN 'DEBUTANT' WHEN 2 THEN 'INTERMEDIAIRE' WHEN 3 THEN 'AVANCE' ELSE 'EXPERT' END
FROM (SELECT "competence_id", MAX("niveau_rang") AS "rang" FROM "techniciens_competences" GROUP BY "competence_id") m WHERE m."competence_id" = c."id";
UPDATE "competences" SET "niveau_rang" = 2 WHERE "niveau_rang" = 0;
-- reverse: the plain join table
CREATE TABLE "technicien_competences" ("technicien_id" bigint NOT NULL, "competence_id" bigint NOT NULL, PRIMARY KEY ("technicien_id", "competence_id"), CONSTRAINT "technicien_competences_competence_id" FOREIGN KEY ("competence_id") REFERENCES "competences" ("id") ON UPDATE NO ACTION ON DELETE CASCADE, CONSTRAINT "technicien_competences_technicien_id" FOREIGN KEY ("technicien_id") REFERENCES "techniciens" ("id") ON UPDATE NO ACTION ON DELETE CASCADE);
INSERT INTO "technicien_competences" ("technicien_id", "competence_id") SELECT "technicien_id", "competence_id" FROM "techniciens_competences";
-- reverse: create "techniciens_competences" table and its indexes
DROP TABLE "techniciens_competences";
