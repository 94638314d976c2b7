package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestHelpNamesEveryCommandAndFlag keeps `erp help` and the README's table of commands
// complete: every command run() accepts and every flag its commands define (read from this
// package's source) must be named in both.
func TestHelpNamesEveryCommandAndFlag(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"help"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	help := out.String()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("*.go")
	var src strings.Builder
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	var commands, flags []string
	for _, m := range regexp.MustCompile(`\n\tcase ((?:"[a-z]+", )*"[a-z]+"):`).FindAllStringSubmatch(src.String(), -1) {
		for _, c := range strings.Split(m[1], ", ") {
			commands = append(commands, strings.Trim(c, `"`))
		}
	}
	for _, m := range regexp.MustCompile(`fs\.(?:String|Int|Bool|Duration)\("([a-z-]+)"`).FindAllStringSubmatch(src.String(), -1) {
		flags = append(flags, m[1])
	}
	if len(commands) < 7 || len(flags) < 6 {
		t.Fatalf("read %d commands and %d flags from the source; the patterns no longer match it", len(commands), len(flags))
	}
	for _, c := range commands {
		if !strings.Contains(help, "erp "+c) {
			t.Errorf("erp help does not name the command %q", c)
		}
		if !bytes.Contains(readme, []byte("`erp "+c)) {
			t.Errorf("README's table of commands does not name `erp %s`", c)
		}
	}
	for _, f := range flags {
		if !strings.Contains(help, "--"+f) {
			t.Errorf("erp help does not name the flag --%s", f)
		}
		if !bytes.Contains(readme, []byte("--"+f)) {
			t.Errorf("README does not name the flag --%s", f)
		}
	}
}
