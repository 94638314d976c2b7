package graph

// gqlgen reads ../gqlgen.yml, so it runs from the module root; ent's package is generated
// first because `go generate ./...` visits ent/ before graph/.
//go:generate sh -c "cd .. && go run github.com/99designs/gqlgen generate"
