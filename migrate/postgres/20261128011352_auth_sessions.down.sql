-- reverse: create index "refreshtoken_user_id" to table: "refresh_tokens"
DROP INDEX "refreshtoken_user_id";
-- reverse: create index "refreshtoken_family" to table: "refresh_tokens"
DROP INDEX "refreshtoken_family";
-- reverse: create index "refreshtoken_created_at" to table: "refresh_tokens"
DROP INDEX "refreshtoken_created_at";
-- reverse: create index "refresh_tokens_token_hash_key" to table: "refresh_tokens"
DROP INDEX "refresh_tokens_token_hash_key";
-- reverse: create "refresh_tokens" table
DROP TABLE "refresh_tokens";
-- reverse: modify "users" table
ALTER TABLE "users" DROP COLUMN "deleted_at", DROP COLUMN "last_failed_login_at", DROP COLUMN "token_version";
