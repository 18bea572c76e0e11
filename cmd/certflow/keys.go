package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"certflow/api"
	"certflow/config"
)

// runKeys manages the access-token signing keys: `certflow keys rotate [--grace D]` adds a key,
// which signs from then on, and retires the older keys after the grace period (by default the
// access-token lifetime plus five minutes, so nobody is logged out by a rotation).
func runKeys(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "rotate" {
		return errors.New("usage: certflow keys rotate [--grace 20m]")
	}
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("keys rotate", flag.ContinueOnError)
	grace := fs.Duration("grace", cfg.AccessTokenTTL+5*time.Minute, "how long the older keys still verify tokens")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *grace < cfg.AccessTokenTTL {
		return fmt.Errorf("--grace %s is shorter than the access-token lifetime %s: tokens would stop working early", *grace, cfg.AccessTokenTTL)
	}
	s, err := openStore(cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	kid, err := (&api.KeyRing{Store: s}).Rotate(ctx, *grace)
	if err != nil {
		return err
	}
	fmt.Printf("new signing key %s; older keys retire at %s\n", kid, time.Now().Add(*grace).UTC().Format(time.RFC3339))
	return nil
}
