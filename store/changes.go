package store

import (
	"context"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/driver/pgdriver"
)

// caseChannel is the PostgreSQL NOTIFY channel on which every write to a case's view announces
// the case's id, when its transaction commits.
const caseChannel = "certflow_case_changed"

// notifyCaseChanged announces, inside a transaction, that a case's view changed.
func notifyCaseChanged(ctx context.Context, tx bun.IDB, caseID string) error {
	_, err := tx.NewRaw("SELECT pg_notify(?, ?)", caseChannel, caseID).Exec(ctx)
	return err
}

// CaseChanges wakes the requests of this process that wait for a case to change — long polls
// and actions waiting for the workflow to record their decision — from PostgreSQL
// notifications, whichever process (API or worker) wrote the change. Waiters still read the
// case themselves: a notification only says "look again", so one missed while the listening
// connection reconnects costs at most the waiter's fallback interval.
type CaseChanges struct {
	mu      sync.Mutex
	waiters map[string]map[chan struct{}]struct{}
	ln      *pgdriver.Listener
}

// WatchCaseChanges starts listening for case changes until ctx ends.
func (s *Store) WatchCaseChanges(ctx context.Context) (*CaseChanges, error) {
	h := &CaseChanges{waiters: map[string]map[chan struct{}]struct{}{}, ln: pgdriver.NewListener(s.DB)}
	if err := h.ln.Listen(ctx, caseChannel); err != nil {
		_ = h.ln.Close()
		return nil, err
	}
	ch := h.ln.Channel(pgdriver.WithChannelSize(1024))
	go func() {
		<-ctx.Done()
		_ = h.ln.Close()
	}()
	go func() {
		for n := range ch {
			h.wake(n.Payload)
		}
	}()
	return h, nil
}

// wake signals every waiter of a case.
func (h *CaseChanges) wake(caseID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.waiters[caseID] {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// Subscribe returns a channel that receives when the case changes, and a function to stop.
// A nil *CaseChanges gives a channel that never receives (waiters then rely on their fallback).
func (h *CaseChanges) Subscribe(caseID string) (<-chan struct{}, func()) {
	c := make(chan struct{}, 1)
	if h == nil {
		return c, func() {}
	}
	h.mu.Lock()
	if h.waiters[caseID] == nil {
		h.waiters[caseID] = map[chan struct{}]struct{}{}
	}
	h.waiters[caseID][c] = struct{}{}
	h.mu.Unlock()
	return c, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.waiters[caseID], c)
		if len(h.waiters[caseID]) == 0 {
			delete(h.waiters, caseID)
		}
	}
}

// FallbackInterval is how often a waiter reads the case anyway, in case a notification was
// missed while the listening connection reconnected.
const FallbackInterval = time.Second
