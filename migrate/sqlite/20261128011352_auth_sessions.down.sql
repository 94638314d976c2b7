-- reverse: create index "refreshtoken_user_id" to table: "refresh_tokens"
DROP INDEX `refreshtoken_user_id`;
-- reverse: create index "refreshtoken_family" to table: "refresh_tokens"
DROP INDEX `refreshtoken_family`;
-- reverse: create index "refreshtoken_created_at" to table: "refresh_tokens"
DROP INDEX `refreshtoken_created_at`;
-- reverse: create index "refresh_tokens_token_hash_key" to table: "refresh_tokens"
DROP INDEX `refresh_tokens_token_hash_key`;
-- reverse: set sequence for "refresh_tokens" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "refresh_tokens";
-- reverse: create "refresh_tokens" table
DROP TABLE `refresh_tokens`;
-- reverse: create index "user_role_is_active" to table: "users"
DROP INDEX `user_role_is_active`;
-- reverse: create index "user_created_at" to table: "users"
DROP INDEX `user_created_at`;
-- reverse: create index "users_email_key" to table: "users"
DROP INDEX `users_email_key`;
-- reverse: set sequence for "new_users" table
UPDATE sqlite_sequence SET seq = 0 WHERE name = "new_users";
-- reverse: create "new_users" table
DROP TABLE `new_users`;
