package stack

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
)

// postgresBinDir finds the folder with initdb and postgres (Debian keeps them under
// /usr/lib/postgresql/<version>/bin and links only some onto PATH).
func postgresBinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			if _, err := os.Stat(filepath.Join(filepath.Dir(real), "postgres")); err == nil {
				return filepath.Dir(real), nil
			}
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/postgres")
	if len(matches) > 0 {
		return filepath.Dir(matches[len(matches)-1]), nil
	}
	return "", errors.New("stack: PostgreSQL server binaries (initdb, postgres) not found; deploy/tools.sh installs them (apt-get install postgresql)")
}

// startPostgres initialises (once) and starts a private cluster under Dir/postgres, then makes
// sure the certflow database exists.
func (s *Stack) startPostgres(ctx context.Context, o Options) error {
	if o.DatabaseURL != "" {
		s.DatabaseURL = o.DatabaseURL
		return nil
	}
	binDir, err := postgresBinDir()
	if err != nil {
		return err
	}
	as, err := postgresUser()
	if err != nil {
		return err
	}
	pgDir := filepath.Join(o.Dir, "postgres")
	data := filepath.Join(pgDir, "data")
	sock := filepath.Join(pgDir, "run")
	for _, d := range []string{pgDir, sock} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
		if as.set {
			if err := os.Chown(d, int(as.uid), int(as.gid)); err != nil {
				return err
			}
		}
	}
	if as.set {
		if err := allowTraverse(pgDir); err != nil {
			return err
		}
	}
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); err != nil {
		if err := runOnce(as, filepath.Join(binDir, "initdb"), "-D", data, "-U", "postgres",
			"-A", "trust", "-E", "UTF8", "--no-locale"); err != nil {
			return fmt.Errorf("stack: initdb: %w", err)
		}
	}
	p, err := port(o.PostgresPort)
	if err != nil {
		return err
	}
	args := []string{"-D", data, "-p", strconv.Itoa(p), "-k", sock, "-c", "listen_addresses=127.0.0.1",
		"-c", "max_connections=200"}
	if !o.Durable {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	logPath := filepath.Join(o.Dir, "logs", "postgres.log")
	proc, err := start("postgres", logPath, as, syscall.SIGINT, nil, filepath.Join(binDir, "postgres"), args...)
	if err != nil {
		return err
	}
	s.procs = append(s.procs, proc)
	host := "127.0.0.1"
	ready := func(ctx context.Context) error {
		return exec.CommandContext(ctx, filepath.Join(binDir, "pg_isready"), "-q", "-h", host, "-p", strconv.Itoa(p)).Run()
	}
	if err := waitUntil(ctx, proc, logPath, ready); err != nil {
		return err
	}
	psql := filepath.Join(binDir, "psql")
	check := exec.CommandContext(ctx, psql, "-h", host, "-p", strconv.Itoa(p), "-U", "postgres", "-tAc",
		"SELECT 1 FROM pg_database WHERE datname = 'certflow'")
	out, err := check.Output()
	if err != nil {
		return fmt.Errorf("stack: psql: %w", err)
	}
	if len(out) == 0 {
		create := exec.CommandContext(ctx, psql, "-h", host, "-p", strconv.Itoa(p), "-U", "postgres", "-c", "CREATE DATABASE certflow")
		if out, err := create.CombinedOutput(); err != nil {
			return fmt.Errorf("stack: create database: %w\n%s", err, out)
		}
	}
	s.DatabaseURL = fmt.Sprintf("postgres://postgres@%s:%d/certflow?sslmode=disable", host, p)
	return nil
}

// allowTraverse gives "others" the search (x) bit on each ancestor of dir that lacks it, so the
// postgres user can reach its data folder (temporary test folders are created 0700).
func allowTraverse(dir string) error {
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o001 == 0 {
			if err := os.Chmod(d, fi.Mode().Perm()|0o001); err != nil {
				return fmt.Errorf("stack: postgres cannot reach %s: %w", dir, err)
			}
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}
