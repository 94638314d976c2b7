-- reverse: create index "user_societe_id" to table: "users"
DROP INDEX `user_societe_id`;
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
