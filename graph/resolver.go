// Package graph is the GraphQL layer: thin resolvers that translate between the schema and
// the ent client and domain packages, the error presenter, and the handler that serves it.
// generated.go and *.resolvers.go signatures come from `go generate ./...` (gqlgen).
package graph

import (
	"log/slog"

	"github.com/mifmaroc/erp/ent"
)

// Resolver holds what the resolvers need; one per server.
type Resolver struct {
	client *ent.Client
	log    *slog.Logger
}
