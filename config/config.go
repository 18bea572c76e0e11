// Package config reads certflow's configuration from the environment. Secrets come only from
// the environment or, in dev, from files certflow generates once into the data folder.
package config

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration of a certflow process.
type Config struct {
	DatabaseURL       string
	HTTPAddr          string
	TemporalAddress   string
	TemporalNamespace string
	MinioEndpoint     string
	MinioAccessKey    string
	MinioSecretKey    string
	MinioBucket       string
	MinioUseSSL       bool
	JWTSecret         []byte
	PIIKey            []byte
	DataDir           string
	// DayLength is one SLA day; shorter than 24h ignores the holiday calendar (demos, tests).
	DayLength time.Duration
	// PolicyFile optionally overrides the case policies (stage limits, notice days, …).
	PolicyFile string
	// MaxUpload is the evidence size limit in bytes.
	MaxUpload int64
	// MaxImport is the size limit of a registry import file in bytes.
	MaxImport int64
	// EvidenceRetention is how long each evidence file stays write-once (compliance-mode
	// retention); CERTFLOW_EVIDENCE_RETENTION, default 10 years.
	EvidenceRetention time.Duration
	// AccessTokenTTL is the lifetime of people's access tokens.
	AccessTokenTTL time.Duration
	// AuthRateLimit is how many sign-in requests a client address may send a minute (0: none).
	AuthRateLimit int
	// TrustedProxies are the proxies whose X-Forwarded-For names the client.
	TrustedProxies []string
}

// FromEnv reads the environment. Missing secrets are generated into DataDir/secrets so the
// server and `certflow token` on one checkout agree.
func FromEnv() (Config, error) {
	c := Config{
		DatabaseURL:       os.Getenv("DATABASE_URL"),
		HTTPAddr:          env("CERTFLOW_HTTP_ADDR", ":8080"),
		TemporalAddress:   env("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
		TemporalNamespace: env("TEMPORAL_NAMESPACE", "default"),
		MinioEndpoint:     env("MINIO_ENDPOINT", "127.0.0.1:9000"),
		MinioAccessKey:    os.Getenv("MINIO_ACCESS_KEY"),
		MinioSecretKey:    os.Getenv("MINIO_SECRET_KEY"),
		MinioBucket:       env("MINIO_BUCKET", "certflow-evidence"),
		DataDir:           env("CERTFLOW_DATA_DIR", ".data"),
		PolicyFile:        os.Getenv("CERTFLOW_POLICY_FILE"),
	}
	var err error
	if c.MinioUseSSL, err = strconv.ParseBool(env("MINIO_USE_SSL", "false")); err != nil {
		return c, fmt.Errorf("MINIO_USE_SSL: %w", err)
	}
	if c.DayLength, err = time.ParseDuration(env("CERTFLOW_DAY_LENGTH", "24h")); err != nil || c.DayLength <= 0 || c.DayLength > 24*time.Hour {
		return c, fmt.Errorf("CERTFLOW_DAY_LENGTH must be a duration in (0, 24h], e.g. 24h or 2s; got %q", os.Getenv("CERTFLOW_DAY_LENGTH"))
	}
	if c.MaxUpload, err = strconv.ParseInt(env("CERTFLOW_MAX_UPLOAD_BYTES", strconv.Itoa(20<<20)), 10, 64); err != nil || c.MaxUpload <= 0 {
		return c, fmt.Errorf("CERTFLOW_MAX_UPLOAD_BYTES must be a positive number of bytes")
	}
	if c.MaxImport, err = strconv.ParseInt(env("CERTFLOW_MAX_IMPORT_BYTES", strconv.Itoa(2<<30)), 10, 64); err != nil || c.MaxImport <= 0 {
		return c, fmt.Errorf("CERTFLOW_MAX_IMPORT_BYTES must be a positive number of bytes")
	}
	if c.EvidenceRetention, err = Retention(env("CERTFLOW_EVIDENCE_RETENTION", "10y")); err != nil {
		return c, fmt.Errorf("CERTFLOW_EVIDENCE_RETENTION: %w", err)
	}
	if c.AccessTokenTTL, err = time.ParseDuration(env("CERTFLOW_ACCESS_TOKEN_TTL", "15m")); err != nil || c.AccessTokenTTL < time.Minute || c.AccessTokenTTL > 24*time.Hour {
		return c, fmt.Errorf("CERTFLOW_ACCESS_TOKEN_TTL must be a duration from 1m to 24h, e.g. 15m; got %q", os.Getenv("CERTFLOW_ACCESS_TOKEN_TTL"))
	}
	if c.AuthRateLimit, err = strconv.Atoi(env("CERTFLOW_AUTH_RATE_LIMIT", "30")); err != nil || c.AuthRateLimit < 0 {
		return c, fmt.Errorf("CERTFLOW_AUTH_RATE_LIMIT must be a number of requests a minute (0 turns the limit off)")
	}
	for _, p := range strings.Split(os.Getenv("CERTFLOW_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	if c.JWTSecret, err = secret("CERTFLOW_JWT_SECRET", c.DataDir, "jwt.key"); err != nil {
		return c, err
	}
	if c.PIIKey, err = secret("CERTFLOW_PII_KEY", c.DataDir, "pii.key"); err != nil {
		return c, err
	}
	return c, nil
}

func env(name, def string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return def
}

// secret returns the environment variable's value, or the dev secret file's content,
// generating that file (32 random bytes, hex) the first time.
func secret(name, dataDir, file string) ([]byte, error) {
	if v := os.Getenv(name); v != "" {
		if len(v) < 32 {
			return nil, fmt.Errorf("%s must be at least 32 characters", name)
		}
		return []byte(v), nil
	}
	path := filepath.Join(dataDir, "secrets", file)
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return []byte(strings.TrimSpace(string(b))), nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("%s not set and cannot create %s: %w", name, filepath.Dir(path), err)
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return nil, err
	}
	v := hex.EncodeToString(buf)
	if err := os.WriteFile(path, []byte(v+"\n"), 0o600); err != nil {
		return nil, err
	}
	return []byte(v), nil
}
