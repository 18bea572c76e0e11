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
