// Package model holds the Go types gqlgen generates for the hand-written inputs and payloads
// of schema.graphqls.
package model
