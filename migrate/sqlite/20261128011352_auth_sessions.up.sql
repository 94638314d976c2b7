-- disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
BEGIN;
-- create "new_users" table
CREATE TABLE `new_users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `email` text NOT NULL, `username` text NULL, `nom_complet` text NULL, `telephone` text NULL, `password_hash` text NOT NULL, `role` text NOT NULL, `is_active` bool NOT NULL DEFAULT (true), `email_notifications` bool NOT NULL DEFAULT (true), `failed_login_attempts` integer NOT NULL DEFAULT (0), `locked_until` datetime NULL, `password_changed_at` datetime NULL, `last_login_at` datetime NULL, `token_version` integer NOT NULL DEFAULT (0), `last_failed_login_at` datetime NULL, `deleted_at` datetime NULL);
-- set sequence for "new_users" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("new_users", 51539607552);
-- copy rows from old table "users" to new temporary table "new_users"
INSERT INTO `new_users` (`id`, `created_at`, `updated_at`, `email`, `username`, `nom_complet`, `telephone`, `password_hash`, `role`, `is_active`, `email_notifications`, `failed_login_attempts`, `locked_until`, `password_changed_at`, `last_login_at`) SELECT `id`, `created_at`, `updated_at`, `email`, `username`, `nom_complet`, `telephone`, `password_hash`, `role`, `is_active`, `email_notifications`, `failed_login_attempts`, `locked_until`, `password_changed_at`, `last_login_at` FROM `users`;
-- drop "users" table after copying rows
DROP TABLE `users`;
-- rename temporary table "new_users" to "users"
ALTER TABLE `new_users` RENAME TO `users`;
-- create index "users_email_key" to table: "users"
CREATE UNIQUE INDEX `users_email_key` ON `users` (`email`);
-- create index "user_created_at" to table: "users"
CREATE INDEX `user_created_at` ON `users` (`created_at`);
-- create index "user_role_is_active" to table: "users"
CREATE INDEX `user_role_is_active` ON `users` (`role`, `is_active`);
-- create "refresh_tokens" table
CREATE TABLE `refresh_tokens` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `token_hash` text NOT NULL, `family` text NOT NULL, `expires_at` datetime NOT NULL, `used_at` datetime NULL, `revoked_at` datetime NULL, `user_id` integer NOT NULL, CONSTRAINT `refresh_tokens_users_refresh_tokens` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- set sequence for "refresh_tokens" table
INSERT INTO sqlite_sequence (name, seq) VALUES ("refresh_tokens", 55834574848);
-- create index "refresh_tokens_token_hash_key" to table: "refresh_tokens"
CREATE UNIQUE INDEX `refresh_tokens_token_hash_key` ON `refresh_tokens` (`token_hash`);
-- create index "refreshtoken_created_at" to table: "refresh_tokens"
CREATE INDEX `refreshtoken_created_at` ON `refresh_tokens` (`created_at`);
-- create index "refreshtoken_family" to table: "refresh_tokens"
CREATE INDEX `refreshtoken_family` ON `refresh_tokens` (`family`);
-- create index "refreshtoken_user_id" to table: "refresh_tokens"
CREATE INDEX `refreshtoken_user_id` ON `refresh_tokens` (`user_id`);
PRAGMA foreign_key_check;
COMMIT;
-- enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
