package stack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// startMinio starts a MinIO server with data under Dir/minio. Its root credentials are generated
// once into Dir/minio.credentials and reused, so a restarted dev stack keeps its objects.
func (s *Stack) startMinio(ctx context.Context, o Options) error {
	bin, err := tool(o, "minio")
	if err != nil {
		return err
	}
	user, secret, err := credentials(filepath.Join(o.Dir, "minio.credentials"))
	if err != nil {
		return err
	}
	p, err := port(o.MinioPort)
	if err != nil {
		return err
	}
	cp, err := port(o.MinioConsolePort)
	if err != nil {
		return err
	}
	data := filepath.Join(o.Dir, "minio")
	if err := os.MkdirAll(data, 0o700); err != nil {
		return err
	}
	env := []string{"MINIO_ROOT_USER=" + user, "MINIO_ROOT_PASSWORD=" + secret,
		"MINIO_BROWSER=on", "MINIO_UPDATE=off"}
	logPath := filepath.Join(o.Dir, "logs", "minio.log")
	proc, err := start("minio", logPath, runAs{}, syscall.SIGTERM, env, bin, "server", data,
		"--quiet", "--address", fmt.Sprintf("127.0.0.1:%d", p), "--console-address", fmt.Sprintf("127.0.0.1:%d", cp))
	if err != nil {
		return err
	}
	s.procs = append(s.procs, proc)
	health := fmt.Sprintf("http://127.0.0.1:%d/minio/health/ready", p)
	ready := func(ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, health, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("minio health: %s", resp.Status)
		}
		return nil
	}
	if err := waitUntil(ctx, proc, logPath, ready); err != nil {
		return err
	}
	s.MinioEndpoint = fmt.Sprintf("127.0.0.1:%d", p)
	s.MinioAccessKey, s.MinioSecretKey = user, secret
	s.MinioConsoleURL = fmt.Sprintf("http://127.0.0.1:%d", cp)
	return nil
}

// credentials reads "user:secret" from path, generating and saving a random pair first.
func credentials(path string) (string, string, error) {
	if b, err := os.ReadFile(path); err == nil {
		if u, p, ok := strings.Cut(strings.TrimSpace(string(b)), ":"); ok && u != "" && p != "" {
			return u, p, nil
		}
	}
	buf := make([]byte, 20)
	if _, err := rand.Read(buf); err != nil {
		return "", "", err
	}
	user, secret := "certflow", hex.EncodeToString(buf)
	if err := os.WriteFile(path, []byte(user+":"+secret+"\n"), 0o600); err != nil {
		return "", "", err
	}
	return user, secret, nil
}
