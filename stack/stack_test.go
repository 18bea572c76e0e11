package stack

import (
	"context"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStartAndStop brings every server up on free ports, checks each answers, then checks that
// Stop leaves no process and no listener behind.
func TestStartAndStop(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real servers")
	}
	st, err := Start(context.Background(), Options{Dir: t.TempDir(), Headless: true})
	if err != nil {
		t.Fatal(err)
	}
	addrs := []string{st.MinioEndpoint, st.TemporalAddress, hostPort(t, st.DatabaseURL)}
	for _, a := range addrs {
		c, err := net.DialTimeout("tcp", a, time.Second)
		if err != nil {
			st.Stop()
			t.Fatalf("%s not listening: %v", a, err)
		}
		c.Close()
	}
	pids := make([]int, len(st.procs))
	for i, p := range st.procs {
		pids[i] = p.cmd.Process.Pid
	}
	st.Stop()
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); err == nil {
			t.Errorf("process %d still alive after Stop", pid)
		}
	}
	for _, a := range addrs {
		if c, err := net.DialTimeout("tcp", a, 200*time.Millisecond); err == nil {
			c.Close()
			t.Errorf("%s still listening after Stop", a)
		}
	}
}

func hostPort(t *testing.T, dsn string) string {
	t.Helper()
	rest, ok := strings.CutPrefix(dsn, "postgres://postgres@")
	if !ok {
		t.Fatalf("unexpected dsn %s", dsn)
	}
	hp, _, _ := strings.Cut(rest, "/")
	return hp
}
