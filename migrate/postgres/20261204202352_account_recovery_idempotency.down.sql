-- reverse: create index "passwordreset_user_id_created_at" to table: "password_resets"
DROP INDEX "passwordreset_user_id_created_at";
-- reverse: create index "passwordreset_created_at" to table: "password_resets"
DROP INDEX "passwordreset_created_at";
-- reverse: create index "password_resets_token_hash_key" to table: "password_resets"
DROP INDEX "password_resets_token_hash_key";
-- reverse: create "password_resets" table
DROP TABLE "password_resets";
-- reverse: create index "idempotencykey_user_id_key" to table: "idempotency_keys"
DROP INDEX "idempotencykey_user_id_key";
-- reverse: create index "idempotencykey_expires_at" to table: "idempotency_keys"
DROP INDEX "idempotencykey_expires_at";
-- reverse: create index "idempotencykey_created_at" to table: "idempotency_keys"
DROP INDEX "idempotencykey_created_at";
-- reverse: create "idempotency_keys" table
DROP TABLE "idempotency_keys";
-- reverse: modify "users" table
ALTER TABLE "users" DROP COLUMN "must_change_password";
-- reverse: modify "notifications" table
ALTER TABLE "notifications" DROP COLUMN "compte";
