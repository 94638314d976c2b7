-- reverse: modify "plannings" table
ALTER TABLE "plannings" DROP COLUMN "flottant";
