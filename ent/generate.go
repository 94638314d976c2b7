// Package ent holds the data model (schema/) and the client ent generates from it.
package ent

//go:generate go run -mod=mod entc.go
