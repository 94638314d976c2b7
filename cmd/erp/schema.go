package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/mifmaroc/erp/graph"
	"github.com/mifmaroc/erp/internal/schemacontract"
)

// schemaCommand prints the executable schema, or checks it against a released one. It
// opens no database and reads no configuration, so go generate and CI can run it anywhere.
func schemaCommand(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("schema", flag.ContinueOnError)
	fs.SetOutput(stderr)
	release := fs.String("check", "", "the released schema to compare with (docs/schema/release.graphql)")
	allow := fs.String("allow", "", "the intended breaking changes (default: intended-changes.txt beside --check's file)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("schema takes no argument, got %q", fs.Args())
	}
	sdl := schemacontract.SDL(graph.NewExecutableSchema(graph.Config{}).Schema())
	if *release == "" {
		if *allow != "" {
			return errors.New("--allow goes with --check")
		}
		_, err := io.WriteString(stdout, sdl)
		return err
	}
	return checkSchema(sdl, *release, *allow, stdout, stderr)
}

func checkSchema(sdl, releasePath, allowPath string, stdout, stderr io.Writer) error {
	// The current schema goes through its published text, so both sides are read the same way.
	current, err := schemacontract.Load("the current schema", sdl)
	if err != nil {
		return err
	}
	text, err := os.ReadFile(releasePath)
	if err != nil {
		return err
	}
	released, err := schemacontract.Load(releasePath, string(text))
	if err != nil {
		return err
	}
	if allowPath == "" {
		allowPath = filepath.Join(filepath.Dir(releasePath), "intended-changes.txt")
	}
	var allowed []string
	switch f, err := os.Open(allowPath); {
	case errors.Is(err, os.ErrNotExist):
		// No list: no breaking change is intended.
	case err != nil:
		return err
	default:
		allowed, err = schemacontract.ParseAllowList(f)
		_ = f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", allowPath, err)
		}
	}
	breaking := schemacontract.Breaking(released, current)
	unlisted, unused := schemacontract.Filter(breaking, allowed)
	for _, line := range unused {
		_, _ = fmt.Fprintf(stderr, "%s names a change the schema does not make: %s\n", allowPath, line)
	}
	if len(unlisted) == 0 {
		_, err := fmt.Fprintf(stdout, "no unintended breaking change against %s (%d intended)\n", releasePath, len(breaking))
		return err
	}
	for _, line := range unlisted {
		_, _ = fmt.Fprintln(stdout, line)
	}
	return fmt.Errorf("%d breaking change(s) against %s not listed in %s: restore what a client uses, or add the lines above to the list if the break is intended",
		len(unlisted), releasePath, allowPath)
}
