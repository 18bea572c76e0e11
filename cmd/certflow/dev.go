package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"certflow/config"
	"certflow/stack"
	"certflow/store"
)

// Fixed dev ports, so URLs and tokens stay the same across restarts.
const (
	devPostgresPort     = 15432
	devMinioPort        = 9000
	devMinioConsolePort = 9001
	devTemporalPort     = 7233
	devTemporalUIPort   = 8233
)

// runDev brings up the local stack under the data folder, migrates, seeds the demo data and
// serves the API and worker until Ctrl-C, then stops everything. Data survives restarts.
func runDev(ctx context.Context) error {
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	opts := stack.Options{Dir: cfg.DataDir, DatabaseURL: cfg.DatabaseURL, Durable: true,
		PostgresPort: devPostgresPort, MinioPort: devMinioPort, MinioConsolePort: devMinioConsolePort,
		TemporalPort: devTemporalPort, TemporalUIPort: devTemporalUIPort}
	fmt.Println("certflow: starting PostgreSQL, MinIO and Temporal under", cfg.DataDir, "...")
	st, err := stack.Start(ctx, opts)
	if err != nil {
		return err
	}
	defer func() {
		fmt.Println("\ncertflow: stopping the local stack (data kept in", cfg.DataDir+")")
		st.Stop()
	}()
	cfg.DatabaseURL = st.DatabaseURL
	cfg.TemporalAddress = st.TemporalAddress
	cfg.MinioEndpoint, cfg.MinioAccessKey, cfg.MinioSecretKey = st.MinioEndpoint, st.MinioAccessKey, st.MinioSecretKey

	d, err := connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.close()
	if _, err := store.Migrate(ctx, d.store.DB); err != nil {
		return err
	}
	demo, err := seedDemo(ctx, d.store)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	env := filepath.Join(cfg.DataDir, "dev.env")
	if err := writeDevEnv(env, cfg, demo); err != nil {
		return err
	}
	return d.serve(ctx, true, true, func() {
		printBanner(cfg, st, demo, env)
	})
}

// writeDevEnv saves the stack's addresses, the demo ids and one token per role, so other
// shells (the README's walk-through, `certflow token`) can `source` them.
func writeDevEnv(path string, cfg config.Config, demo *demoData) error {
	content := fmt.Sprintf("export DATABASE_URL=%q\nexport TEMPORAL_ADDRESS=%q\nexport MINIO_ENDPOINT=%q\nexport MINIO_ACCESS_KEY=%q\nexport MINIO_SECRET_KEY=%q\nexport CERTFLOW_DATA_DIR=%q\n",
		cfg.DatabaseURL, cfg.TemporalAddress, cfg.MinioEndpoint, cfg.MinioAccessKey, cfg.MinioSecretKey, cfg.DataDir)
	content += fmt.Sprintf("export API=%s/api/v1\nexport ENT_A_USCC=%s\nexport ENT_B_USCC=%s\nexport DEMO_PRACTITIONER_ID=%s\nexport DEMO_REGISTRATION=%s\n",
		baseURL(cfg), demo.EnterpriseA.USCC, demo.EnterpriseB.USCC, demo.PractitionerID, demo.Registration)
	for _, t := range demo.tokens(cfg.JWTSecret, 30*24*time.Hour) {
		content += fmt.Sprintf("export %s=%s\n", t.env, t.token)
	}
	return os.WriteFile(path, []byte(content), 0o600)
}

// printBanner shows where everything is and one demo token per role.
func printBanner(cfg config.Config, st *stack.Stack, demo *demoData, env string) {
	fmt.Printf(`
certflow is running.
  API          %s   (OpenAPI: /api/v1/openapi.yaml)
  Temporal UI  %s
  MinIO        %s   (user/password in %s)
  SLA day      %s
  env for other shells: source %s

Demo data: enterprise A %s (%s, province %s), enterprise B %s (%s, province %s),
           practitioner %s (id %s); %s holds registration %s, inside its renewal window.
Demo tokens (valid 30 days):
`, baseURL(cfg), st.TemporalUIURL, st.MinioConsoleURL, filepath.Join(cfg.DataDir, "minio.credentials"),
		cfg.DayLength, env, demo.EnterpriseA.USCC, demo.EnterpriseA.Name, demo.EnterpriseA.ProvinceCode,
		demo.EnterpriseB.USCC, demo.EnterpriseB.Name, demo.EnterpriseB.ProvinceCode,
		demo.PractitionerName, demo.PractitionerID, demo.HolderName, demo.Registration)
	for _, t := range demo.tokens(cfg.JWTSecret, 30*24*time.Hour) {
		fmt.Printf("  %-34s export %s=%s\n", t.label, t.env, t.token)
	}
	fmt.Println("\nCtrl-C stops everything; `make run` again resumes with the data intact.")
}

// baseURL is where a browser on this machine reaches the API.
func baseURL(cfg config.Config) string {
	if strings.HasPrefix(cfg.HTTPAddr, ":") {
		return "http://localhost" + cfg.HTTPAddr
	}
	return "http://" + cfg.HTTPAddr
}
