package graph

// gqlgen reads ../gqlgen.yml, so it runs from the module root; ent's package is generated
// first because `go generate ./...` visits ent/ before graph/. The published schema is
// printed from the code gqlgen just wrote, through a temporary file so that a failed build
// leaves the old one whole.
//go:generate sh -c "cd .. && go run github.com/99designs/gqlgen generate"
//go:generate sh -c "cd .. && go run ./cmd/erp schema > schema.graphql.tmp && mv schema.graphql.tmp schema.graphql"
