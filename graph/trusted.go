package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/viewer"
)

// TrustedDocuments holds /graphql to the operations of a manifest built with the clients
// (GRAPHQL_TRUSTED_DOCUMENTS): a stranger with a valid token can then run only what the
// clients run, not any query the schema allows. As a gqlgen extension it takes the place
// of automatic persisted queries: a hash names a document of the manifest, and no request
// can add one.
//
// A request names its document by hash (extensions.persistedQuery.sha256Hash, or
// documentId, which the transports turn into it) or sends its text, found by its sha256 or,
// whitespace trimmed, by the text itself. Anything else is refused before it is parsed, with
// PERSISTED_QUERY_NOT_ALLOWED, unless the viewer has one of the Freeform roles.
type TrustedDocuments struct {
	// Freeform are the roles whose users may still send any document: GraphiQL's, where it
	// is served. Nil: nobody.
	Freeform []domain.Role
	byHash   map[string]string
	// byText finds a document sent as text with other whitespace around it.
	byText map[string]string
}

// apolloManifest is the format of the manifests of @apollo/generate-persisted-query-manifest.
const apolloManifest = "apollo-persisted-query-manifest"

// LoadTrustedDocuments reads the manifest at path: graphql-codegen's persisted-documents.json
// (client preset, persistedDocuments: true), an object from sha256 hash to document, or
// Apollo's persisted query manifest. Every entry must hold its hash, parse, validate against
// the schema and keep to the query limits: the error names each entry that does not.
func LoadTrustedDocuments(path string) (*TrustedDocuments, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	entries, err := readManifest(b)
	if err != nil {
		return nil, err
	}
	t := &TrustedDocuments{byHash: map[string]string{}, byText: map[string]string{}}
	schema := NewExecutableSchema(Config{}).Schema()
	var errs []error
	for _, e := range entries {
		if err := e.check(schema); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", e.describe(), err))
			continue
		}
		t.byHash[e.hash] = e.document
		t.byText[strings.TrimSpace(e.document)] = e.document
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(entries) == 0 {
		return nil, errors.New("the manifest holds no document: every operation would be refused")
	}
	return t, nil
}

// manifestEntry is one document of a manifest.
type manifestEntry struct {
	hash, document string
	name           string // the operation's name, from Apollo's manifest
	operations     string // what the document defines, once parsed: "query A, mutation B"
}

func (e manifestEntry) describe() string {
	switch {
	case e.name != "":
		return fmt.Sprintf("operation %s (id %s)", e.name, e.hash)
	case e.operations != "":
		return fmt.Sprintf("entry %s (%s)", e.hash, e.operations)
	}
	return fmt.Sprintf("entry %s", e.hash)
}

// readManifest reads either format, entries in the order of their hashes (graphql-codegen's)
// or of the file (Apollo's).
func readManifest(b []byte) ([]manifestEntry, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, fmt.Errorf("not a JSON object (graphql-codegen's persisted-documents.json or Apollo's persisted query manifest): %w", err)
	}
	// graphql-codegen's keys are hashes: one named format is Apollo's header.
	if _, ok := fields["format"]; ok {
		var m struct {
			Format     string `json:"format"`
			Version    int    `json:"version"`
			Operations []struct {
				ID   string `json:"id"`
				Name string `json:"name"`
				Body string `json:"body"`
			} `json:"operations"`
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("not an Apollo persisted query manifest: %w", err)
		}
		if m.Format != apolloManifest || m.Version != 1 {
			return nil, fmt.Errorf("format %q version %d: expected %q version 1", m.Format, m.Version, apolloManifest)
		}
		out := make([]manifestEntry, len(m.Operations))
		for i, op := range m.Operations {
			out[i] = manifestEntry{hash: plainHash(op.ID), document: op.Body, name: op.Name}
		}
		return out, nil
	}
	out := make([]manifestEntry, 0, len(fields))
	for _, hash := range slices.Sorted(maps.Keys(fields)) {
		var doc string
		if err := json.Unmarshal(fields[hash], &doc); err != nil {
			return nil, fmt.Errorf("entry %s: expected the document as a string (graphql-codegen's format: {\"<sha256>\": \"<document>\"})", hash)
		}
		out = append(out, manifestEntry{hash: plainHash(hash), document: doc})
	}
	return out, nil
}

// check says what is wrong with the entry: a hash that is not its document's, or a document
// the server would refuse whatever its variables.
func (e *manifestEntry) check(schema *ast.Schema) error {
	doc, err := parser.ParseQuery(&ast.Source{Input: e.document})
	if err == nil {
		ops := make([]string, len(doc.Operations))
		for i, op := range doc.Operations {
			ops[i] = strings.TrimSpace(string(op.Operation) + " " + op.Name)
		}
		e.operations = strings.Join(ops, ", ")
	}
	if sum := documentHash(e.document); sum != e.hash {
		return fmt.Errorf("the hash is not the sha256 of the document (which is %s): build the manifest with sha256 hashes (graphql-codegen: persistedDocuments: { hashAlgorithm: 'sha256' })", sum)
	}
	if err != nil {
		return fmt.Errorf("the document does not parse: %w", err)
	}
	if len(doc.Operations) == 0 {
		return errors.New("the document holds no operation")
	}
	if errs := validator.ValidateWithRules(schema, doc, nil); len(errs) > 0 {
		return fmt.Errorf("the document is not valid against the schema: %w", errs)
	}
	if err := checkDocument(doc); err != nil {
		return fmt.Errorf("the document exceeds the query limits: %w", err)
	}
	return nil
}

// plainHash is hash without the algorithm graphql-codegen's client preset writes before it
// (its keys and documentIds read "sha256:<hex>" when the algorithm is sha256).
func plainHash(hash string) string { return strings.TrimPrefix(hash, "sha256:") }

func documentHash(doc string) string {
	sum := sha256.Sum256([]byte(doc))
	return hex.EncodeToString(sum[:])
}

// Len is the number of documents of the manifest.
func (t *TrustedDocuments) Len() int { return len(t.byHash) }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = (*TrustedDocuments)(nil)

// ExtensionName names the extension for gqlgen.
func (*TrustedDocuments) ExtensionName() string { return "TrustedDocuments" }

// Validate accepts any schema: the manifest was validated against this one when loaded,
// where a bad entry can stop the server with an error rather than a panic.
func (*TrustedDocuments) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters puts the manifest's document in place of the hash or text the
// request sent, or refuses the request.
func (t *TrustedDocuments) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	hash, err := persistedHash(p.Extensions)
	if err != nil {
		return err
	}
	if doc, ok := t.lookup(hash, p.Query); ok {
		p.Query = doc
		return nil
	}
	if p.Query != "" && viewer.FromContext(ctx).Is(t.Freeform...) {
		return nil // run as sent; nothing is remembered
	}
	return &gqlerror.Error{
		Message: "the operation is not in the trusted documents manifest of this server: send the documentId " +
			"(sha256) of a document of the manifest your client was built with, or its exact text",
		Extensions: map[string]any{"code": string(domain.CodePersistedQueryNotAllowed)},
	}
}

// lookup finds the document named by hash, or else by query's text. A known hash sent with
// another text is not found: the client means that text, which the manifest lacks.
func (t *TrustedDocuments) lookup(hash, query string) (string, bool) {
	if hash != "" {
		doc, ok := t.byHash[plainHash(hash)]
		return doc, ok && (query == "" || query == doc || strings.TrimSpace(query) == strings.TrimSpace(doc))
	}
	if query == "" {
		return "", false
	}
	if doc, ok := t.byHash[documentHash(query)]; ok {
		return doc, true
	}
	doc, ok := t.byText[strings.TrimSpace(query)]
	return doc, ok
}

// persistedHash is extensions.persistedQuery.sha256Hash, empty when there is none.
func persistedHash(ext map[string]any) (string, *gqlerror.Error) {
	raw, ok := ext["persistedQuery"]
	if !ok || raw == nil {
		return "", nil
	}
	pq, _ := raw.(map[string]any)
	hash, _ := pq["sha256Hash"].(string)
	if hash == "" {
		return "", &gqlerror.Error{
			Message:    `extensions.persistedQuery must be {"version": 1, "sha256Hash": "<sha256 of the document>"}`,
			Extensions: map[string]any{"code": string(domain.CodeBadUserInput)},
		}
	}
	return hash, nil
}
