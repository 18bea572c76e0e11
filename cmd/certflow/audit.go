package main

import (
	"context"
	"errors"
	"fmt"

	"certflow/audit"
)

// runAudit runs "certflow audit verify": it walks the audit log and every case timeline,
// recomputing their hash chains, and fails naming the first broken row of each broken chain.
func runAudit(ctx context.Context, args []string) error {
	if len(args) != 1 || args[0] != "verify" {
		return errors.New("usage: certflow audit verify")
	}
	s, err := openConfiguredStore()
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := audit.Verify(ctx, s.DB)
	if err != nil {
		return err
	}
	fmt.Printf("audit log: %d rows; case timelines: %d cases, %d events\n", r.AuditRows, r.Cases, r.Events)
	for _, b := range r.Breaks {
		fmt.Println("broken:", b.String())
	}
	if len(r.Breaks) > 0 {
		return fmt.Errorf("%d broken chain(s); first: %s", len(r.Breaks), r.Breaks[0].String())
	}
	fmt.Println("all chains verified")
	return nil
}
