DROP TABLE IF EXISTS auth_rate_limits;
DROP TABLE IF EXISTS refresh_tokens;
DROP TABLE IF EXISTS sessions;
DROP TABLE IF EXISTS totp_used_steps;
DROP TABLE IF EXISTS login_challenges;
DROP TABLE IF EXISTS signing_keys;
DROP TABLE IF EXISTS users;
