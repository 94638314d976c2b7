package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSchemaPublished: the committed schema.graphql is what `erp schema` prints.
func TestSchemaPublished(t *testing.T) {
	var out, errs bytes.Buffer
	if err := run(context.Background(), []string{"schema"}, &out, &errs); err != nil {
		t.Fatalf("erp schema: %v\n%s", err, errs.String())
	}
	published, err := os.ReadFile("../../schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(published) {
		t.Error("schema.graphql is stale: run go run ./cmd/erp schema > schema.graphql")
	}
}

// TestSchemaCheck runs `erp schema --check` against a release that had a field the current
// schema lacks: it fails and names the field, until the allow-list lists it.
func TestSchemaCheck(t *testing.T) {
	published, err := os.ReadFile("../../schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	release := filepath.Join(dir, "release.graphql")
	allow := filepath.Join(dir, "intended-changes.txt")
	check := func(t *testing.T) (string, error) {
		t.Helper()
		var out, errs bytes.Buffer
		err := run(context.Background(), []string{"schema", "--check", release}, &out, &errs)
		return out.String(), err
	}

	t.Run("OK", func(t *testing.T) {
		write(t, release, string(published))
		if out, err := check(t); err != nil {
			t.Errorf("the schema against itself: %v\n%s", err, out)
		}
	})

	const line = "field Query.ancienChamp was removed"
	withField := strings.Replace(string(published), "\ntype Query {\n", "\ntype Query {\n  ancienChamp: String\n", 1)
	if withField == string(published) {
		t.Fatal("schema.graphql has no type Query")
	}
	t.Run("FieldRemoved", func(t *testing.T) {
		write(t, release, withField)
		out, err := check(t)
		if err == nil || !strings.Contains(err.Error(), "1 breaking change") {
			t.Errorf("error %v, want 1 breaking change", err)
		}
		if out != line+"\n" {
			t.Errorf("printed %q, want %q", out, line+"\n")
		}
	})
	t.Run("FieldRemovedIntended", func(t *testing.T) {
		write(t, release, withField)
		write(t, allow, "# the ERP's mobile app never read it\n"+line+"\n")
		if out, err := check(t); err != nil {
			t.Errorf("listed in %s: %v\n%s", allow, err, out)
		}
	})
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
