package stack

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// process is one child server the stack owns. It runs in its own process group and is killed
// with its parent if the parent dies, so a crashed test leaves nothing behind.
type process struct {
	name    string
	cmd     *exec.Cmd
	stopSig syscall.Signal
	done    chan struct{}
	err     error
}

// runAs describes the user a child runs as (root runs PostgreSQL as "postgres").
type runAs struct {
	uid, gid uint32
	set      bool
}

// postgresUser returns the credentials of the "postgres" user when running as root, since
// PostgreSQL refuses to run as root.
func postgresUser() (runAs, error) {
	if os.Geteuid() != 0 {
		return runAs{}, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return runAs{}, fmt.Errorf("running as root needs a \"postgres\" user for PostgreSQL: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return runAs{uid: uint32(uid), gid: uint32(gid), set: true}, nil
}

// command prepares a child process writing its output to logPath.
func command(name, logPath string, as runAs, env []string, bin string, args ...string) (*exec.Cmd, *os.File, error) {
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return nil, nil, err
	}
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.Env = append(os.Environ(), env...)
	attr := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if as.set {
		attr.Credential = &syscall.Credential{Uid: as.uid, Gid: as.gid}
	}
	cmd.SysProcAttr = attr
	return cmd, logFile, nil
}

// runOnce runs a short helper command to completion, returning its output on failure.
func runOnce(as runAs, bin string, args ...string) error {
	cmd := exec.Command(bin, args...)
	attr := &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if as.set {
		attr.Credential = &syscall.Credential{Uid: as.uid, Gid: as.gid}
	}
	cmd.SysProcAttr = attr
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %v: %w\n%s", filepath.Base(bin), args, err, out)
	}
	return nil
}

// start launches a long-running child.
func start(name, logPath string, as runAs, stopSig syscall.Signal, env []string, bin string, args ...string) (*process, error) {
	cmd, logFile, err := command(name, logPath, as, env, bin, args...)
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, stopSig: stopSig, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	return p, nil
}

// exited reports whether the process has already ended (a failed start).
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop asks the process group to end, then kills it after a grace period.
func (p *process) stop(grace time.Duration) {
	if p.exited() {
		return
	}
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, p.stopSig)
	select {
	case <-p.done:
	case <-time.After(grace):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
	}
}

// waitUntil polls ready until it succeeds, the process dies, or the context ends.
func waitUntil(ctx context.Context, p *process, logPath string, ready func(context.Context) error) error {
	var last error
	for {
		if p.exited() {
			return fmt.Errorf("%s exited during start-up (%v); see %s", p.name, p.err, logPath)
		}
		if last = ready(ctx); last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.Join(fmt.Errorf("%s not ready in time; see %s", p.name, logPath), last)
		case <-time.After(150 * time.Millisecond):
		}
	}
}
