// Command erp is the MIF Maroc maintenance ERP server.
//
//	erp serve                       run the GraphQL server (default)
//	erp migrate up                  apply pending migrations
//	erp migrate status              show applied and pending migrations
//	erp createadmin --email E [--password P]
//	erp healthcheck                 exit 0 when the local server is ready (container probes)
//	erp seed --size small|large [--interventions N]
//	                                fill an empty database with a deterministic dataset
//	erp stock verify                compare every part's quantity with its stock ledger
//	erp schema [--check FILE [--allow LIST]]
//	                                print the public GraphQL schema as SDL, or list its
//	                                breaking changes against a released one
//
// Configuration comes from the environment and .env; see .env.example (schema needs none).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/mifmaroc/erp/internal/app"
	"github.com/mifmaroc/erp/internal/config"
)

const usage = `usage:
  erp serve                                   run the server (the default)
  erp migrate up|status                       apply or show database migrations
  erp createadmin --email E [--password P]    create an administrator
                                              (without --password one is generated and printed)
  erp healthcheck                             exit 0 when the server on PORT is ready
  erp seed --size small|large [--interventions N]
                                              fill an empty database with demo data
                                              (large: 2,000 equipements, 100,000 interventions;
                                              --interventions changes that number)
  erp stock verify                            compare every part's quantity with the sum of
                                              its stock movements; exit status 1 on a mismatch
  erp schema                                  print the public GraphQL schema (SDL) to stdout
  erp schema --check FILE [--allow LIST]      list the breaking changes from the schema FILE
                                              (the last release) that LIST does not name
                                              (default: intended-changes.txt beside FILE);
                                              exit status 1 when there is one
Configuration: environment variables or .env (see .env.example).
`

// gcPercent is the garbage collector's target when GOGC is not set. A request allocates a
// lot of short-lived objects on a small live heap: letting the heap grow further before a
// collection trades a little memory for much less of the collector's CPU (see
// docs/decisions.md, "The collector runs at GOGC=400").
const gcPercent = 400

func main() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return // a command's -h: its flags were printed
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "erp:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("unknown command; run `erp help`")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "help", "-h", "--help":
		_, err := io.WriteString(stdout, usage)
		return err
	case "schema":
		// Before the configuration: the schema is the code's, whatever the environment.
		return schemaCommand(args, stdout, stderr)
	case "serve", "migrate", "createadmin", "healthcheck", "seed", "stock":
	default:
		_, _ = io.WriteString(stderr, usage)
		return errUsage
	}

	cfg, err := config.FromEnv()
	if err != nil {
		return fmt.Errorf("invalid configuration:\n%w", err)
	}
	if cmd == "healthcheck" {
		return app.HealthCheck(ctx, cfg)
	}
	log := app.NewLogger(cfg, stderr)
	a, err := app.Open(ctx, cfg, log, stdout)
	if err != nil {
		return err
	}
	defer func() { _ = a.Close() }()

	switch cmd {
	case "migrate":
		if len(args) != 1 {
			return errors.New("usage: erp migrate up|status")
		}
		switch args[0] {
		case "up":
			return a.MigrateUp(ctx)
		case "status":
			return a.MigrateStatus(ctx)
		default:
			return fmt.Errorf("unknown migrate command %q: use up or status", args[0])
		}
	case "createadmin":
		fs := flag.NewFlagSet("createadmin", flag.ContinueOnError)
		fs.SetOutput(stderr)
		email := fs.String("email", "", "the admin's email (required)")
		password := fs.String("password", "", "the password (at least 12 characters); generated when empty")
		if err := fs.Parse(args); err != nil {
			return err
		}
		if *email == "" {
			return errors.New("createadmin needs --email")
		}
		return a.CreateAdmin(ctx, *email, *password)
	case "stock":
		if len(args) != 1 || args[0] != "verify" {
			return errors.New("usage: erp stock verify")
		}
		return a.StockVerify(ctx)
	case "seed":
		fs := flag.NewFlagSet("seed", flag.ContinueOnError)
		fs.SetOutput(stderr)
		size := fs.String("size", "small", "small or large")
		n := fs.Int("interventions", 0, "number of interventions instead of the size's (e.g. 10000 or 1000000 to compare list latencies)")
		if err := fs.Parse(args); err != nil {
			return err
		}
		return a.Seed(ctx, *size, *n)
	default:
		return a.Serve(ctx)
	}
}
