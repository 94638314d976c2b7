-- reverse: create "user_sites" table
DROP TABLE `user_sites`;
