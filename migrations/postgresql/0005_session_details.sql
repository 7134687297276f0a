-- Where and with what a session was started, so that an admin looking at an account's sessions recognises them.
ALTER TABLE user_session ADD COLUMN address text NOT NULL DEFAULT '';
ALTER TABLE user_session ADD COLUMN user_agent text NOT NULL DEFAULT '';
