// Command certflow runs the certflow case-management system: the API, the Temporal worker,
// migrations, token minting and the local dev stack.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

const usage = `certflow — construction-qualification case management

usage: certflow <command> [flags]

commands:
  serve     run the API and the worker in one process
  api       run only the HTTP API
  worker    run only the Temporal worker
  migrate   apply database migrations
  audit     certflow audit verify: recompute the hash chains of the audit log and of every
            case timeline; fails naming the first broken row
  token     print a signed bearer token (certflow token --role R --sub S ...)
  keys      manage the keys that sign access tokens (certflow keys rotate [--grace 20m])
  totp      print the current sign-in code of a TOTP secret (certflow totp SECRET)
  import    import a registry CSV file through the running API (certflow import KIND FILE;
            an admin token in CERTFLOW_TOKEN) and show its progress
  dev       start the local stack (PostgreSQL, MinIO, Temporal) under CERTFLOW_DATA_DIR,
            migrate, seed demo data, print URLs and demo tokens, and serve on CERTFLOW_HTTP_ADDR

Configuration comes from the environment; see README.md.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch os.Args[1] {
	case "serve":
		err = runServe(ctx, true, true)
	case "api":
		err = runServe(ctx, true, false)
	case "worker":
		err = runServe(ctx, false, true)
	case "migrate":
		err = runMigrate(ctx)
	case "audit":
		err = runAudit(ctx, os.Args[2:])
	case "token":
		err = runToken(os.Args[2:])
	case "keys":
		err = runKeys(ctx, os.Args[2:])
	case "totp":
		err = runTOTP(os.Args[2:], time.Now(), os.Stdout)
	case "dev":
		err = runDev(ctx)
	case "import":
		err = runImport(ctx, os.Args[2:])
	case "help", "-h", "--help":
		fmt.Print(usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "certflow:", err)
		os.Exit(1)
	}
}
