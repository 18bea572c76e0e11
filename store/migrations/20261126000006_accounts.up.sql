-- People's accounts (issue 8). The phone is encrypted like other personal data; the password is
-- an argon2id hash; the one-time activation code is stored hashed with its expiry.
CREATE TABLE users (
    id                    uuid PRIMARY KEY,
    username              text NOT NULL,
    display_name          text NOT NULL,
    role                  text NOT NULL,
    enterprise_uscc       text NOT NULL DEFAULT '',
    province_code         text NOT NULL DEFAULT '',
    practitioner_id       uuid REFERENCES practitioners (id),
    phone_enc             bytea,
    phone_masked          text NOT NULL DEFAULT '',
    status                text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'locked', 'disabled')),
    password_hash         text,
    activation_hash       text,
    activation_expires_at timestamptz,
    activated_at          timestamptz,
    totp_secret_enc       bytea,
    created_by            text NOT NULL,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username ON users (lower(username));
-- One account per resident ID: a practitioner has at most one account.
CREATE UNIQUE INDEX users_practitioner ON users (practitioner_id) WHERE practitioner_id IS NOT NULL;
CREATE INDEX users_created ON users (created_at DESC, id DESC);

-- Keys that sign access tokens (Ed25519). The private key is sealed with the PII key. The newest
-- key signs; every key verifies until its retire_at, which a rotation sets on the older keys a
-- grace period ahead, so tokens they signed keep working until they expire.
CREATE TABLE signing_keys (
    kid             text PRIMARY KEY,
    public_key      bytea NOT NULL,
    private_key_enc bytea NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    retire_at       timestamptz
);

-- A sign-in between the password and the second factor: its token (stored hashed) lives 5
-- minutes, completes one sign-in, and dies after 5 wrong codes. enrol_secret_enc is the TOTP
-- secret offered at a first sign-in, which the first right code makes the account's.
CREATE TABLE login_challenges (
    id               uuid PRIMARY KEY,
    user_id          uuid NOT NULL REFERENCES users (id),
    token_hash       text NOT NULL UNIQUE,
    enrol_secret_enc bytea,
    failures         int NOT NULL DEFAULT 0,
    expires_at       timestamptz NOT NULL,
    used_at          timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now()
);

-- TOTP replay memory: each 30-second step of an account's codes is accepted once.
CREATE TABLE totp_used_steps (
    user_id uuid NOT NULL REFERENCES users (id),
    step    bigint NOT NULL,
    used_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, step)
);

-- Sessions and their single-use refresh tokens (stored hashed); using a spent refresh token
-- ends the session.
CREATE TABLE sessions (
    id           uuid PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id),
    address      text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz NOT NULL DEFAULT now(),
    ended_at     timestamptz,
    end_reason   text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id, created_at DESC);
CREATE TABLE refresh_tokens (
    token_hash text PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES sessions (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    used_at    timestamptz
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- Counters of failed sign-ins per username and of sign-in requests per client address: a key
-- counts events from window_start; reaching its limit locks it until locked_until.
CREATE TABLE auth_rate_limits (
    key          text PRIMARY KEY,
    count        int NOT NULL,
    window_start timestamptz NOT NULL,
    locked_until timestamptz
);
